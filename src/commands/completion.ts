import type { CommandFactory } from './command.js';
import { completionScript, defaultShell, type Shell } from '../completion.js';

export const completionCommand: CommandFactory = (ctx) => ({
  command: 'completion [shell]',
  describe: 'Print a shell completion script (commands, flags, and topic and group names from the broker)',
  builder: (y) =>
    y
      .positional('shell', { choices: ['bash', 'zsh'] as const, describe: 'Shell to complete for (default: from $SHELL)' })
      .example('$0 completion bash >> ~/.bashrc', 'Tab completion in bash')
      .example('$0 completion zsh > "${fpath[1]}/_kstream"', 'Tab completion in zsh'),
  handler: (argv) => {
    ctx.io.stdout.write(completionScript((argv.shell as Shell | undefined) ?? defaultShell(ctx.io.env)));
  },
});
