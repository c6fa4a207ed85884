import type { Context } from '../../context.js';
import type { UserResult } from '../../kafka/security/scram.js';
import type { OutputFormat } from '../../output.js';
import { reportItems } from '../../report.js';
import { scramRefusal } from './refusal.js';

/**
 * One status row per user of an AlterUserScramCredentials answer, `done` for those changed; a
 * refusal to manage users at all is one error instead.
 */
export function reportUsers(ctx: Context, results: UserResult[], done: string, output: OutputFormat | undefined): void {
  const denied = results.find((r) => r.error === 'CLUSTER_AUTHORIZATION_FAILED');
  if (denied) throw scramRefusal(denied.error!);
  reportItems(ctx, 'user', results.map((r) => ({
    name: r.user,
    ok: !r.error,
    message: r.error ? `${r.errorMessage ?? ''} (${r.error})`.trim() : done,
  })), output);
}
