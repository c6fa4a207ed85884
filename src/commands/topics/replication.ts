// `topics alter --replication-factor N`: a partition reassignment to N replicas per partition,
// then a wait, bounded by --timeout, until the cluster has copied them and the new replicas are in sync.
import { KstreamError, UsageError } from '../../errors.js';
import { formatDuration } from '../../util/duration.js';
import type { AdminSession } from '../../kafka/admin/session.js';
import { alterReassignments, listReassignments, planReplicationFactor } from '../../kafka/admin/reassign.js';

export interface ReplicationOptions { topic: string; factor: number; timeoutMs: number; signal: AbortSignal }

export async function changeReplicationFactor(s: AdminSession, opts: ReplicationOptions): Promise<string[]> {
  const { topic, factor } = opts;
  const [[info], { brokers }] = await Promise.all([s.admin.describeTopics([topic]), s.admin.describeCluster()]);
  const current = info!.partitions.map((p) => ({ partition: p.partition, replicas: p.replicas }));
  if (factor > brokers.length) {
    throw new UsageError(`--replication-factor ${factor} needs ${factor} brokers; the cluster has ${brokers.length}`, { hint: `pass at most ${brokers.length}` });
  }
  const was = Math.max(...current.map((p) => p.replicas.length));
  const plan = planReplicationFactor(current, brokers.map((b) => b.nodeId), factor)
    .filter((p) => !sameList(p.replicas, current.find((c) => c.partition === p.partition)!.replicas));
  if (plan.length === 0) return [`replication factor: already ${factor}`];
  const broker = await s.controller();
  const res = await alterReassignments(broker, plan.map((p) => ({ topic, ...p })), opts.timeoutMs);
  if (res.error) throw new KstreamError(`the cluster refused the reassignment of '${topic}': ${res.message ?? res.error} (${res.error})`);
  const failed = res.partitions.find((p) => p.error);
  if (failed) throw new KstreamError(`partition ${failed.partition} of '${topic}' cannot be reassigned: ${failed.message ?? failed.error} (${failed.error})`);
  await waitUntilReplicated(s, broker, opts, new Map(plan.map((p) => [p.partition, p.replicas])));
  return [`replication factor: ${was} -> ${factor} (${plan.map((p) => `${p.partition}:[${p.replicas.join(',')}]`).join(' ')})`];
}

async function waitUntilReplicated(s: AdminSession, broker: Parameters<typeof listReassignments>[0], opts: ReplicationOptions, target: Map<number, number[]>): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  const partitions = new Map([[opts.topic, [...target.keys()]]]);
  for (;;) {
    const { ongoing } = await listReassignments(broker, partitions, opts.timeoutMs);
    if (ongoing.length === 0 && (await inSync(s, opts.topic, target))) return;
    if (opts.signal.aborted) throw opts.signal.reason;
    if (Date.now() >= deadline) {
      throw new KstreamError(`the reassignment of '${opts.topic}' is still in progress after ${formatDuration(opts.timeoutMs)} (it goes on in the cluster)`, {
        hint: `watch it with \`kstream topics describe ${opts.topic}\`, or wait longer with --timeout`,
      });
    }
    await sleep(250, opts.signal);
  }
}

async function inSync(s: AdminSession, topic: string, target: Map<number, number[]>): Promise<boolean> {
  const [info] = await s.admin.describeTopics([topic]);
  return info!.partitions.every((p) => {
    const want = target.get(p.partition);
    return !want || (sameList(p.replicas, want) && want.every((r) => p.isr.includes(r)));
  });
}

const sameList = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
