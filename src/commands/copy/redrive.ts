// `kstream copy --dlq-redrive DLQ`: dead letters back where `pipeline --dlq` found them. The
// pipeline's dead letter carries kstream-error (why) and kstream-source-topic/-partition/-offset/
// -timestamp (where from) next to the record's own headers (pipeline/sinks.ts, deadLetterMessage).
import { withAdminOn, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { KafkaClient } from '../../kafka/client.js';
import type { OutgoingRecord } from '../../kafka/types.js';
import { createKafka, type Connection } from '../../kafka/connection.js';
import type { Context } from '../../context.js';
import { KstreamError, UsageError } from '../../errors.js';
import { requireTopics } from '../../kafka/topic.js';
import { ExprThreads } from '../pipeline/expr-threads.js';
import { decodeText, toKafkaHeaders, type PipeHeaders, type PipeRecord } from '../pipeline/record.js';
import { compileTransforms, type TransformSpec } from '../pipeline/transforms.js';
import { sameCluster } from './copy.js';
import { runCopyLoop, type Routed } from './loop.js';
import { resolveBound } from './window.js';

export interface RedriveOptions {
  dlq: string;
  /** Send every record here instead of the topic its headers name. */
  to?: string;
  keepErrorHeaders: boolean;
  repartition: boolean;
  group: string;
  steps: TransformSpec[];
  mapTimeoutMs: number;
  exit: boolean;
  batchSize: number;
  source: Connection;
  target?: Connection;
  signal: AbortSignal;
}

export const defaultRedriveGroup = (dlq: string) => `kstream-redrive-${dlq}`;

const text = (v: Buffer | Buffer[] | undefined) => (v === undefined ? undefined : decodeText(Array.isArray(v) ? v[0]! : v));

/** Where a dead letter goes, and the message written there. */
export function redriveMessage(r: PipeRecord, opts: Pick<RedriveOptions, 'to' | 'keepErrorHeaders' | 'repartition'>): Routed {
  const topic = opts.to ?? text(r.headers['kstream-source-topic']);
  const where = r.origin ? ` (at ${r.origin.topic} partition ${r.origin.partition} offset ${r.origin.offset})` : '';
  if (!topic) {
    throw new KstreamError(`a record${where} has no kstream-source-topic header, so it is not known where it came from; stopped there, not committed`, {
      exitCode: 1, hint: 'pass --to TOPIC to send every record to one topic',
    });
  }
  const headers: PipeHeaders = {};
  for (const [name, v] of Object.entries(r.headers)) {
    if (opts.keepErrorHeaders || !(name.startsWith('kstream-error') || name.startsWith('kstream-source-'))) headers[name] = v;
  }
  const message: OutgoingRecord = { key: r.key, value: r.value, headers: toKafkaHeaders(headers) };
  const partition = Number(text(r.headers['kstream-source-partition']));
  if (r.partition !== undefined) message.partition = r.partition;
  else if (!opts.repartition && Number.isInteger(partition) && partition >= 0) message.partition = partition;
  const timestamp = text(r.headers['kstream-source-timestamp']);
  message.timestamp = timestamp && /^\d+$/.test(timestamp) ? timestamp : r.origin?.timestamp;
  return { topic, message };
}

/** Checks the topics records are routed to: they must exist, with the partition named. */
function topicChecker(kafka: KafkaClient): (routed: Routed[]) => Promise<void> {
  const partitions = new Map<string, number>();
  return async (routed) => {
    const unknown = [...new Set(routed.map((r) => r.topic))].filter((t) => !partitions.has(t));
    if (unknown.length) {
      await withAdminOn(kafka, async (admin: KafkaAdmin) => {
        await requireTopics(admin, unknown);
        for (const t of await admin.describeTopics(unknown)) partitions.set(t.name, t.partitions.length);
      });
    }
    const bad = routed.find((r) => r.message.partition !== undefined && r.message.partition >= partitions.get(r.topic)!);
    if (bad) {
      throw new UsageError(`a dead letter names partition ${bad.message.partition} of '${bad.topic}', which has ${partitions.get(bad.topic)}; stopped there, not committed`, {
        hint: 'pass --repartition to let the key hash choose',
      });
    }
  };
}

export async function redrive(ctx: Context, opts: RedriveOptions): Promise<void> {
  const source = await createKafka(opts.source, ctx.io);
  let target = opts.target ? await createKafka(opts.target, ctx.io) : source;
  const exactlyOnce = !opts.target || (await sameCluster(source, target));
  if (exactlyOnce) target = source;
  const targetConn = exactlyOnce ? opts.source : opts.target!;
  const atStart = await withAdminOn(source, async (admin) => {
    await requireTopics(admin, [opts.dlq]);
    return opts.exit ? await resolveBound(admin, opts.dlq, { kind: 'latest' }) : undefined;
  });
  ctx.info(exactlyOnce
    ? `re-driving '${opts.dlq}' exactly once (group '${opts.group}')`
    : `re-driving '${opts.dlq}' to another cluster (${targetConn.brokers.join(',')}): at least once, position in group '${opts.group}' on the source`);
  const threads = new ExprThreads();
  try {
    const result = await runCopyLoop({
      source, sourceConn: opts.source, target, targetConn, topic: opts.dlq, group: opts.group,
      transforms: compileTransforms(opts.steps, { stderr: ctx.io.stderr, env: ctx.io.env, threads, mapTimeoutMs: opts.mapTimeoutMs }),
      route: (r) => redriveMessage(r, opts),
      check: topicChecker(target),
      ...(exactlyOnce ? { transactionalId: `${opts.group}:redrive` } : {}),
      batchSize: opts.batchSize,
      ends: atStart && new Map(atStart.map((o) => [o.partition, o.offset])),
      signal: opts.signal,
      progress: () => undefined,
    });
    ctx.info(`re-drove ${result.written} of ${result.read} dead letters from '${opts.dlq}'`);
  } finally {
    await threads.close();
  }
}
