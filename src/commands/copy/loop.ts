// The copy loop for what a pipeline stage cannot do: write to another cluster (the stage's
// transactions commit the source offsets on the cluster they write to), or send each record to a
// topic of its own (a DLQ re-drive). A consumer group of its own on the source keeps the position.
import { withAdminOn, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { KafkaClient } from '../../kafka/client.js';
import { unreachable, withDeadline, type Connection } from '../../kafka/connection.js';
import { fromKafkaError, isKafkaFailure } from '../../kafka/errors.js';
import { GroupConsumer, type BatchControl } from '../../kafka/group/consumer.js';
import { MessageProducer, type TopicOffsets, type TopicRecords } from '../../kafka/message-producer.js';
import type { FetchedBatch, OutgoingRecord } from '../../kafka/types.js';
import { applyTransforms, type Transform } from '../pipeline/transforms.js';
import { fromMessage, StopRequested, type PipeRecord } from '../pipeline/record.js';
import { whileRetriable } from './window.js';

/** Where one record goes; undefined drops it. */
export interface Routed {
  topic: string;
  message: OutgoingRecord;
}

export interface LoopOptions {
  source: KafkaClient;
  sourceConn: Connection;
  /** Where records are written (the source client itself for a same-cluster re-drive). */
  target: KafkaClient;
  targetConn: Connection;
  topic: string;
  group: string;
  transforms: Transform[];
  route(record: PipeRecord): Routed;
  /** Checks the routed records of a batch before they are written (e.g. that their topics exist). */
  check?(routed: Routed[]): Promise<void>;
  /**
   * Same cluster: each batch's records and its source offsets in one transaction (exactly once).
   * Otherwise an idempotent producer, and the offsets are committed after the records are written:
   * at least once, as a crash between the two copies that batch again.
   */
  transactionalId?: string;
  batchSize: number;
  /** Stop once every partition reaches its offset (exclusive); undefined: run until the signal. */
  ends?: Map<number, bigint>;
  signal: AbortSignal;
  /** Called after each committed batch, with the records read and written. */
  progress(read: number, written: number): void;
}

export interface LoopResult {
  read: number;
  written: number;
}

/** Copies until drained (`ends`), interrupted, or failed. */
export async function runCopyLoop(opts: LoopOptions): Promise<LoopResult> {
  const positions = await withAdminOn(opts.source, (admin) => whileRetriable(Math.max(opts.sourceConn.timeoutMs * 3, 30_000), () => startPositions(admin, opts.topic, opts.group)));
  const result: LoopResult = { read: 0, written: 0 };
  const done = () => opts.ends !== undefined && [...opts.ends].every(([p, end]) => (positions.get(p) ?? 0n) >= end);
  if (done() || opts.signal.aborted) return result;
  const producer = await openProducer(opts);
  const consumer = new GroupConsumer(opts.source, { groupId: opts.group, readUncommitted: false, maxWaitMs: 200, failFast: true });
  let failure: unknown;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const stop = (err?: unknown) => {
    failure ??= err;
    finish();
  };
  const onAbort = () => stop();
  opts.signal.addEventListener('abort', onAbort);
  try {
    consumer.onCrash((error) => stop(error));
    consumer.onEmptyBatch((tp, next) => {
      advance(positions, tp.partition, BigInt(next));
      if (done()) stop();
    });
    await consumer.connect();
    await consumer.subscribe([opts.topic], true);
    await consumer.run({
      eachBatch: async (batch, control) => {
        try {
          await copyBatch(opts, batch, control, { consumer, producer, positions, result });
          if (done()) stop();
        } catch (err) {
          stop(err instanceof StopRequested ? undefined : err);
        }
      },
    });
    await finished;
  } catch (err) {
    failure ??= err;
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
  if (failure) throw isKafkaFailure(failure) ? fromKafkaError(failure, opts.sourceConn.brokers) : failure;
  return result;
}

function advance(positions: Map<number, bigint>, partition: number, next: bigint): void {
  if ((positions.get(partition) ?? -1n) < next) positions.set(partition, next);
}

/** The group's committed offset of each partition, or the log start where it has none. */
async function startPositions(admin: KafkaAdmin, topic: string, group: string): Promise<Map<number, bigint>> {
  const committed = (await admin.committedOffsets(group, [topic])).get(topic);
  const positions = new Map<number, bigint>();
  for (const p of await admin.watermarks(topic)) {
    const at = committed?.get(p.partition);
    const c = at === undefined ? -1n : BigInt(at);
    positions.set(p.partition, c < BigInt(p.low) ? BigInt(p.low) : c);
  }
  return positions;
}

async function openProducer(opts: LoopOptions): Promise<MessageProducer> {
  const producer = new MessageProducer(opts.target, { transactionalId: opts.transactionalId });
  try {
    await withDeadline(producer.connect(), opts.targetConn.timeoutMs, () => unreachable(opts.targetConn));
    // The transactional id is registered on the first transaction: do it before reading anything, so
    // an older run is fenced and its last transaction settled before this one reads the offsets.
    if (opts.transactionalId) await (await producer.transaction()).abort();
  } catch (err) {
    await producer.disconnect().catch(() => undefined);
    throw fromKafkaError(err, opts.targetConn.brokers);
  }
  return producer;
}

interface BatchState {
  consumer: GroupConsumer;
  producer: MessageProducer;
  positions: Map<number, bigint>;
  result: LoopResult;
}

async function copyBatch(opts: LoopOptions, batch: FetchedBatch, p: BatchControl, s: BatchState): Promise<void> {
  const end = opts.ends?.get(batch.partition);
  const from = s.positions.get(batch.partition) ?? 0n;
  // Records below the position were copied already (a fetch from an older committed offset after a rejoin).
  const messages = batch.records.filter((m) => BigInt(m.offset) >= from && (end === undefined || BigInt(m.offset) < end));
  for (let start = 0; start < messages.length || start === 0; start += opts.batchSize) {
    if (!p.isRunning() || p.isStale() || opts.signal.aborted) return;
    const chunk = messages.slice(start, start + opts.batchSize);
    const last = start + opts.batchSize >= messages.length;
    const lastOffset = last ? BigInt(batch.lastOffset) : BigInt(chunk.at(-1)!.offset);
    const next = end !== undefined && lastOffset + 1n > end ? end : lastOffset + 1n;
    if (next <= from) return;
    const outputs = await applyTransforms(opts.transforms, chunk.map((m) => fromMessage(batch.topic, batch.partition, m)), opts.signal);
    const routed = outputs.map((r) => opts.route(r));
    await opts.check?.(routed);
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const { topic, message } of routed) {
      const list = byTopic.get(topic);
      if (list) list.push(message);
      else byTopic.set(topic, [message]);
    }
    const topicRecords = [...byTopic].map(([topic, records]) => ({ topic, records }));
    const offsets = [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next.toString() }] }];
    await commit(opts, s, topicRecords, offsets);
    advance(s.positions, batch.partition, next);
    if (chunk.length) p.resolveOffset(chunk.at(-1)!.offset);
    s.result.read += chunk.length;
    s.result.written += outputs.length;
    opts.progress(s.result.read, s.result.written);
    await p.heartbeat();
    if (last) return;
  }
}

async function commit(opts: LoopOptions, s: BatchState, topicRecords: TopicRecords[], offsets: TopicOffsets[]): Promise<void> {
  if (!opts.transactionalId) {
    if (topicRecords.length) await s.producer.sendBatch(topicRecords);
    await s.consumer.commit(offsets.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, ...p }))));
    return;
  }
  const txn = await s.producer.transaction();
  try {
    if (topicRecords.length) await txn.send(topicRecords);
    await txn.sendOffsets(opts.group, offsets);
    await txn.commit();
  } catch (err) {
    if (txn.isActive()) await txn.abort().catch(() => undefined);
    throw err;
  }
}
