import type { CommandFactory } from '../command.js';
import { configPath, readConfig, writeConfig } from '../../config/file.js';
import { selectProfile } from '../../config/profile.js';

export const useCommand: CommandFactory = (ctx) => ({
  command: 'use <name>',
  describe: 'Make a profile the current one (used when neither --profile nor KSTREAM_PROFILE is given)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'Profile name' })
      .example('$0 profile use prod', 'Every later command talks to prod'),
  handler: (argv) => {
    const cfg = readConfig(configPath(ctx.io.env));
    const { name } = selectProfile(cfg, argv.name as string, ctx.io.env)!;
    cfg.doc.set('current', name);
    writeConfig(cfg);
    ctx.info(`current profile: ${name} (${cfg.path})`);
  },
});
