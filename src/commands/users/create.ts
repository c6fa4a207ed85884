import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { UsageError } from '../../errors.js';
import { outputOption, type OutputFormat } from '../../output.js';
import { parseInteger } from '../../util/kv.js';
import { withSession } from '../../kafka/session.js';
import { alterScramUsers, DEFAULT_ITERATIONS, SCRAM_MECHANISMS, type ScramMechanism } from '../../kafka/security/scram.js';
import { reportUsers } from './report.js';

export const mechanismOption = {
  mechanism: { type: 'string', array: true, choices: [...SCRAM_MECHANISMS, ...SCRAM_MECHANISMS.map((m) => m.toLowerCase())], requiresArg: true, describe: 'SCRAM mechanism (repeatable; default: both)' },
} as const;

export const mechanisms = (m: string[] | undefined): ScramMechanism[] => (m?.length ? [...new Set(m.map((x) => x.toUpperCase() as ScramMechanism))] : [...SCRAM_MECHANISMS]);

export const createCommand: CommandFactory = (ctx) => ({
  command: ['create <user>', 'add'],
  describe: 'Create a SCRAM user, or set a new password for one (salted and hashed here: the password never reaches the broker)',
  builder: (y) =>
    y
      .positional('user', { type: 'string', describe: 'User name' })
      .options({
        password: { type: 'string', requiresArg: true, describe: 'The password (prefer env KSTREAM_USER_PASSWORD: flags show in `ps`)' },
        ...mechanismOption,
        iterations: { type: 'string', requiresArg: true, describe: `PBKDF2 iterations, 4096 to 16384 (default ${DEFAULT_ITERATIONS})` },
        ...outputOption,
      })
      .example('KSTREAM_USER_PASSWORD=s3cret $0 users create alice', 'Both SCRAM mechanisms')
      .example('$0 users create bob --password pw --mechanism SCRAM-SHA-512 --iterations 8192', 'One mechanism, more iterations'),
  handler: async (argv) => {
    const user = String(argv.user);
    const password = (argv.password as string | undefined) ?? ctx.io.env.KSTREAM_USER_PASSWORD;
    if (!password) throw new UsageError(`no password for user '${user}'`, { hint: 'set KSTREAM_USER_PASSWORD, or pass --password' });
    const iterations = argv.iterations === undefined ? DEFAULT_ITERATIONS : parseInteger(argv.iterations, '--iterations', 4096, 16384);
    const upsertions = mechanisms(argv.mechanism as string[] | undefined).map((mechanism) => ({ user, mechanism, password, iterations }));
    const results = await withSession(connectionFrom(ctx, argv), ctx.io, (s) => alterScramUsers(s, { upsertions }));
    reportUsers(ctx, results, `credentials set: ${upsertions.map((u) => u.mechanism).join(', ')}`, argv.output as OutputFormat | undefined);
  },
});
