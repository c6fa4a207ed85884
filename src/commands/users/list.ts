import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { KstreamError } from '../../errors.js';
import { outputOption, printView, type OutputFormat, type View } from '../../output.js';
import { withSession } from '../../kafka/session.js';
import { describeScramUsers, type UserCredentials } from '../../kafka/security/scram.js';
import { scramRefusal } from './refusal.js';

export function usersView(users: UserCredentials[]): View {
  const rows = users.flatMap((u) => u.credentials.map((c) => [u.user, c.mechanism, c.iterations]));
  return {
    head: ['USER', 'MECHANISM', 'ITERATIONS'],
    rows,
    plain: users.map((u) => `${u.user}\t${u.credentials.map((c) => c.mechanism).join(',')}`),
    json: users.map(({ user, credentials }) => ({ user, credentials })),
  };
}

export const listCommand: CommandFactory = (ctx) => ({
  command: ['list [users..]', 'ls'],
  describe: 'List SCRAM users and their mechanisms (never a password: the cluster keeps none)',
  builder: (y) =>
    y
      .positional('users', { type: 'string', array: true, describe: 'Only these users' })
      .options({ ...outputOption })
      .example('$0 users list', 'Every user with SCRAM credentials')
      .example('$0 users list alice -o json', "alice's mechanisms and iteration counts"),
  handler: async (argv) => {
    const names = ((argv.users as string[] | undefined) ?? []).map(String);
    const res = await withSession(connectionFrom(ctx, argv), ctx.io, (s) => describeScramUsers(s, names));
    if (res.error) throw scramRefusal(res.error, res.errorMessage);
    const missing = res.results.find((u) => u.error);
    if (missing?.error === 'RESOURCE_NOT_FOUND') throw new KstreamError(`user '${missing.user}' has no SCRAM credentials`, { hint: 'create them with `kstream users create`' });
    if (missing) throw scramRefusal(missing.error!, missing.errorMessage);
    printView(ctx.io, usersView(res.results.sort((a, b) => a.user.localeCompare(b.user))), argv.output as OutputFormat | undefined);
  },
});
