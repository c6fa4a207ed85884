import type { CommandFactory } from '../command.js';
import { KstreamError, ExitCode } from '../../errors.js';
import { brokerStatus } from '../../local/broker.js';
import { defaultDataDir } from '../../local/paths.js';
import { outputOption } from '../../output.js';

export const statusCommand: CommandFactory = (ctx) => ({
  command: 'status',
  describe: 'Say whether the local broker runs, and where (exit 1 when it does not)',
  builder: (y) =>
    y
      .options({
        'data-dir': { type: 'string', describe: 'The data dir given to `local start`', requiresArg: true },
        ...outputOption,
      })
      .example('$0 local status', 'running at 127.0.0.1:9092 …'),
  handler: async (argv) => {
    const dataDir = argv.dataDir ?? defaultDataDir(ctx.io.env);
    const state = brokerStatus(dataDir);
    if (argv.output === 'json') {
      ctx.io.stdout.write(JSON.stringify(state ? { running: true, ...state } : { running: false, dataDir }) + '\n');
    } else if (state) {
      ctx.io.stdout.write(`running at ${state.bootstrap} (pid ${state.pid}, since ${state.startedAt})\ndata: ${state.dataDir}\nlog:  ${state.logFile}\n`);
      for (const [protocol, address] of Object.entries(state.listeners ?? {})) ctx.io.stdout.write(`${protocol}: ${address}\n`);
    }
    if (!state) throw new KstreamError(`not running (data dir ${dataDir})`, { exitCode: ExitCode.USAGE, hint: 'start it with `kstream local start`' });
  },
});
