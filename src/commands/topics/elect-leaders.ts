import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { ExitCode, KstreamError, UsageError } from '../../errors.js';
import { outputOption, type OutputFormat } from '../../output.js';
import { reportItems, type ItemStatus } from '../../report.js';
import { requireTopics, validateTopicName } from '../../kafka/topic.js';
import { parseInteger } from '../../util/kv.js';
import { withAdminSession, type AdminSession } from '../../kafka/admin/session.js';
import { electLeaders, type ElectionKind, type ElectionResult } from '../../kafka/admin/elect-leaders.js';

export interface ElectOptions { topic?: string; partitions: number[]; type: ElectionKind; timeoutMs: number }

export async function runElection(s: AdminSession, opts: ElectOptions): Promise<ItemStatus[]> {
  let scope: Map<string, number[]> | null = null;
  if (opts.topic) {
    await requireTopics(s.admin, [opts.topic]);
    const [info] = await s.admin.describeTopics([opts.topic]);
    const all = info!.partitions.map((p) => p.partition);
    const missing = opts.partitions.find((p) => !all.includes(p));
    if (missing !== undefined) throw new UsageError(`topic '${opts.topic}' has no partition ${missing}`, { hint: `it has partitions 0 to ${all.length - 1}` });
    scope = new Map([[opts.topic, opts.partitions.length ? opts.partitions : all]]);
  }
  const res = await electLeaders(await s.controller(), opts.type, scope, opts.timeoutMs);
  if (res.error) throw new KstreamError(`the cluster refused the election: ${res.error}`);
  const replicas = await replicasOf(s, [...new Set(res.results.map((r) => r.topic))]);
  return res.results.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition).map((r) => status(r, opts.type, replicas.get(`${r.topic}:${r.partition}`)));
}

/**
 * Replicas and leader as the metadata says. Right after an election a broker's metadata may still
 * name the old leader, so a preferred election reports the preferred replica, which it elected.
 */
async function replicasOf(s: AdminSession, topics: string[]): Promise<Map<string, { leader: number; replicas: number[] }>> {
  if (topics.length === 0) return new Map();
  const infos = await s.admin.describeTopics(topics);
  return new Map(infos.flatMap((t) => t.partitions.map((p) => [`${t.name}:${p.partition}`, p] as const)));
}

/** ELECTION_NOT_NEEDED is success: the partition is already led as asked. */
function status(r: ElectionResult, type: ElectionKind, p: { leader: number; replicas: number[] } | undefined): ItemStatus {
  const name = `${r.topic}[${r.partition}]`;
  if (!r.error) return { name, ok: true, message: type === 'preferred' ? `leader is now broker ${p?.replicas[0]}, its preferred replica` : 'a live replica was elected leader (unclean)' };
  if (r.error === 'ELECTION_NOT_NEEDED') return { name, ok: true, message: `already led by broker ${p?.leader}; nothing to do` };
  return { name, ok: false, message: `${r.message ?? r.error} (${r.error})`, exitCode: ExitCode.KAFKA };
}

export const electLeadersCommand: CommandFactory = (ctx) => ({
  command: 'elect-leaders [topic]',
  describe: "Move partition leadership back to each partition's preferred replica (or, unclean, to any live replica)",
  builder: (y) =>
    y
      .positional('topic', { type: 'string', describe: 'Topic name (default: every partition of the cluster)' })
      .options({
        partition: { alias: 'p', type: 'string', array: true, describe: 'Only these partitions of the topic (repeatable)', requiresArg: true },
        type: { choices: ['preferred', 'unclean'] as const, default: 'preferred' as const, describe: 'preferred: the first replica; unclean: any live replica, even out of sync (may lose records)' },
        ...outputOption,
      })
      .example('$0 topics elect-leaders orders', "Each partition of orders led by its preferred replica again")
      .example('$0 topics elect-leaders orders -p 0 --type unclean', 'Partition 0 led by any live replica (records may be lost)')
      .example('$0 topics elect-leaders', 'Every partition of the cluster'),
  handler: async (argv) => {
    const topic = argv.topic === undefined ? undefined : validateTopicName(argv.topic as string);
    const partitions = ((argv.partition as string[] | undefined) ?? []).map((p) => parseInteger(p, '--partition', 0));
    if (partitions.length && !topic) throw new UsageError('--partition needs a topic', { hint: 'e.g. kstream topics elect-leaders orders -p 0' });
    const conn = connectionFrom(ctx, argv);
    const results = await withAdminSession(conn, ctx.io, (s) => runElection(s, { topic, partitions, type: argv.type as ElectionKind, timeoutMs: conn.timeoutMs }));
    if (results.length === 0) {
      ctx.info('every partition is already led by its preferred replica; nothing to do');
      if (argv.output === 'json') ctx.io.stdout.write('[]\n');
      return;
    }
    reportItems(ctx, 'partition', results, argv.output as OutputFormat | undefined);
  },
});
