// `kstream copy SRC DST`: one cluster through the pipeline's exactly-once stage; another cluster
// through the at-least-once loop (loop.ts).
import { withAdminOn, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { KafkaClient } from '../../kafka/client.js';
import { createKafka, type Connection } from '../../kafka/connection.js';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import type { OutgoingRecord } from '../../kafka/types.js';
import { requireTopics } from '../../kafka/topic.js';
import type { OffsetSpec } from '../consume/offsets.js';
import { ExprThreads } from '../pipeline/expr-threads.js';
import { toKafkaHeaders, type PipeRecord } from '../pipeline/record.js';
import { runPipeline } from '../pipeline/runner.js';
import type { StageSpec } from '../pipeline/stage.js';
import { compileTransforms, type Transform, type TransformSpec } from '../pipeline/transforms.js';
import { runCopyLoop } from './loop.js';
import { clampToUntil, resolveBound, seedGroup, type PartitionOffset } from './window.js';

export interface CopyOptions {
  src: string;
  dst: string;
  group: string;
  from?: OffsetSpec;
  until?: OffsetSpec;
  steps: TransformSpec[];
  mapTimeoutMs: number;
  /** Let the key hash pick the destination partition instead of keeping the source's. */
  repartition: boolean;
  exit: boolean;
  batchSize: number;
  source: Connection;
  /** Another cluster's connection; undefined: the source cluster. */
  target?: Connection;
  signal: AbortSignal;
}

export const defaultCopyGroup = (src: string, dst: string) => `kstream-copy-${src}-${dst}`;

/** A named target that turns out to be the source cluster (same cluster id) still gets exactly once. */
export async function sameCluster(source: KafkaClient, target: KafkaClient): Promise<boolean> {
  const [a, b] = await Promise.all([
    withAdminOn(source, (admin) => admin.describeCluster()),
    withAdminOn(target, (admin) => admin.describeCluster()),
  ]);
  return a.clusterId === b.clusterId;
}

const partitionCount = async (admin: KafkaAdmin, topic: string) => (await admin.describeTopics([topic]))[0]!.partitions.length;

/** Keeping partitions needs at least as many in the destination. */
function checkPartitions(opts: CopyOptions, srcPartitions: number, dstPartitions: number): void {
  if (opts.repartition || dstPartitions >= srcPartitions) return;
  throw new UsageError(`'${opts.dst}' has ${dstPartitions} partition${dstPartitions === 1 ? '' : 's'}, fewer than the ${srcPartitions} of '${opts.src}', so records cannot keep their partitions`, {
    hint: `pass --repartition to let the key hash choose, or add partitions: kstream topics alter ${opts.dst} --partitions ${srcPartitions}`,
  });
}

/** Drops the records at or past --until: a fetched batch may reach beyond it. */
function untilTransform(ends: Map<number, bigint>): Transform {
  return async (batch) => batch.filter((r) => {
    const end = r.origin ? ends.get(r.origin.partition) : undefined;
    return end === undefined || BigInt(r.origin!.offset) < end;
  });
}

export async function copyTopic(ctx: Context, opts: CopyOptions): Promise<void> {
  const source = await createKafka(opts.source, ctx.io);
  let target = opts.target && (await createKafka(opts.target, ctx.io));
  if (target && (await sameCluster(source, target))) {
    if (opts.src === opts.dst) throw new UsageError(`the target is the source cluster, so this would copy '${opts.src}' onto itself`, { hint: 'name another destination topic' });
    ctx.info(`the target is the source cluster: copying exactly once`);
    target = undefined;
  }
  const prepared = await withAdminOn(source, async (admin) => {
    await requireTopics(admin, target ? [opts.src] : [opts.src, opts.dst]);
    const seeded = await seedGroup(admin, opts.group, opts.src, opts.from, Math.max(opts.source.timeoutMs * 3, 30_000));
    if (opts.from && !seeded) ctx.warn(`group '${opts.group}' has committed offsets: resuming there, not at --from (pass another --group for a new copy)`);
    const until = opts.until ? await resolveBound(admin, opts.src, opts.until) : undefined;
    const atStart = opts.exit && target ? await resolveBound(admin, opts.src, { kind: 'latest' }) : undefined;
    return { until, atStart, partitions: await partitionCount(admin, opts.src) };
  });
  const dstPartitions = target
    ? await withAdminOn(target, async (admin) => {
      await requireTopics(admin, [opts.dst]);
      return partitionCount(admin, opts.dst);
    })
    : await withAdminOn(source, (admin) => partitionCount(admin, opts.dst));
  checkPartitions(opts, prepared.partitions, dstPartitions);
  const threads = new ExprThreads();
  try {
    const transforms = compileTransforms(opts.steps, { stderr: ctx.io.stderr, env: ctx.io.env, threads, mapTimeoutMs: opts.mapTimeoutMs });
    const ends = prepared.until && new Map(prepared.until.map((u) => [u.partition, u.offset]));
    if (ends) transforms.unshift(untilTransform(ends));
    if (!target) await copyExactlyOnce(ctx, source, opts, transforms, prepared.until);
    else await copyAcross(ctx, { source, target }, opts, transforms, mergeEnds(prepared.until, prepared.atStart));
  } finally {
    await threads.close();
  }
}

/** The earlier of two ends per partition (--until and, with --exit, the end at start). */
function mergeEnds(a?: PartitionOffset[], b?: PartitionOffset[]): Map<number, bigint> | undefined {
  if (!a && !b) return undefined;
  const ends = new Map<number, bigint>();
  for (const o of [...(a ?? []), ...(b ?? [])]) {
    const had = ends.get(o.partition);
    ends.set(o.partition, had === undefined || o.offset < had ? o.offset : had);
  }
  return ends;
}

async function copyExactlyOnce(ctx: Context, kafka: KafkaClient, opts: CopyOptions, transforms: Transform[], until?: PartitionOffset[]): Promise<void> {
  const spec: StageSpec = {
    name: opts.dst, from: [opts.src], to: [opts.dst], transforms, group: opts.group,
    execFormat: 'lines', execTimeoutMs: 0, mapTimeoutMs: opts.mapTimeoutMs,
    batchSize: opts.batchSize, batchMs: 200, retries: 3, parallel: 1,
    keepSource: { partition: !opts.repartition, timestamp: true },
    ...(until ? { stopAt: until } : {}),
  };
  try {
    await runPipeline(ctx, kafka, opts.source, [spec], { exit: opts.exit, signal: opts.signal });
  } finally {
    if (until) {
      await withAdminOn(kafka, (admin) => clampToUntil(admin, opts.group, until, Math.max(opts.source.timeoutMs * 3, 30_000)))
        .catch((err) => ctx.warn(`could not move group '${opts.group}' back to --until: ${(err as Error).message}; a later copy with this group starts after the last batch read`));
    }
  }
}

/** The message a copy writes for a record: its key, value and headers, its timestamp, and its partition unless repartitioned. */
export function copiedMessage(r: PipeRecord, keepPartition: boolean): OutgoingRecord {
  const m: OutgoingRecord = { key: r.key, value: r.value, headers: toKafkaHeaders(r.headers) };
  if (r.partition !== undefined) m.partition = r.partition;
  else if (keepPartition && r.origin) m.partition = r.origin.partition;
  if (r.origin) m.timestamp = r.origin.timestamp;
  return m;
}

async function copyAcross(
  ctx: Context, clients: { source: KafkaClient; target: KafkaClient }, opts: CopyOptions, transforms: Transform[], ends?: Map<number, bigint>,
): Promise<void> {
  ctx.info(`copying to another cluster (${opts.target!.brokers.join(',')}): at least once. Records are written with an idempotent producer, and the position is committed in group '${opts.group}' on the source after each batch; after a crash the last batch may be copied twice`);
  let shown = 0;
  const result = await runCopyLoop({
    source: clients.source, sourceConn: opts.source, target: clients.target, targetConn: opts.target!,
    topic: opts.src, group: opts.group, transforms, batchSize: opts.batchSize, ends, signal: opts.signal,
    route: (r) => ({ topic: opts.dst, message: copiedMessage(r, !opts.repartition) }),
    progress: (read) => {
      // A line per 10,000 records on a terminal; scripts get the summary.
      if (ctx.io.stderr.isTTY && read - shown >= 10_000) ctx.info(`copied ${(shown = read)} records…`);
    },
  });
  ctx.info(`read ${result.read} records from '${opts.src}', wrote ${result.written} to '${opts.dst}'`);
}
