import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { KstreamError } from '../../errors.js';
import { outputOption, type OutputFormat } from '../../output.js';
import { withSession, type Session } from '../../kafka/session.js';
import { alterScramUsers, describeScramUsers, type ScramMechanism } from '../../kafka/security/scram.js';
import { mechanismOption, mechanisms } from './create.js';
import { scramRefusal } from './refusal.js';
import { reportUsers } from './report.js';

/** The mechanisms to delete: those asked for, or every one the user has. */
async function toDelete(s: Session, user: string, asked: string[] | undefined): Promise<ScramMechanism[]> {
  if (asked?.length) return mechanisms(asked);
  const res = await describeScramUsers(s, [user]);
  if (res.error) throw scramRefusal(res.error, res.errorMessage);
  const found = res.results[0];
  if (!found || found.error === 'RESOURCE_NOT_FOUND') throw new KstreamError(`user '${user}' has no SCRAM credentials; nothing to delete`, { hint: 'see `kstream users list`' });
  if (found.error) throw scramRefusal(found.error, found.errorMessage);
  return found.credentials.map((c) => c.mechanism as ScramMechanism);
}

export const deleteCommand: CommandFactory = (ctx) => ({
  command: ['delete <user>', 'rm'],
  describe: "Delete a user's SCRAM credentials (all mechanisms unless --mechanism)",
  builder: (y) =>
    y
      .positional('user', { type: 'string', describe: 'User name' })
      .options({ ...mechanismOption, ...outputOption })
      .example('$0 users delete alice', 'alice can no longer log in with SCRAM')
      .example('$0 users delete alice --mechanism SCRAM-SHA-256', 'Only one mechanism'),
  handler: async (argv) => {
    const user = String(argv.user);
    const { results, deleted } = await withSession(connectionFrom(ctx, argv), ctx.io, async (s) => {
      const deleted = await toDelete(s, user, argv.mechanism as string[] | undefined);
      // One result per user, whatever the number of mechanisms.
      return { results: await alterScramUsers(s, { deletions: deleted.map((mechanism) => ({ user, mechanism })) }), deleted };
    });
    reportUsers(ctx, results, `credentials deleted: ${deleted.join(', ')}`, argv.output as OutputFormat | undefined);
  },
});
