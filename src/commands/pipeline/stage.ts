import { KafkaAdmin } from '../../kafka/admin/index.js';
import type { KafkaClient } from '../../kafka/client.js';
import type { Connection } from '../../kafka/connection.js';
import { KstreamError } from '../../errors.js';
import { fromKafkaError, isFenced, isKafkaFailure, isRetriable } from '../../kafka/errors.js';
import { GroupConsumer } from '../../kafka/group/consumer.js';
import { requireTopics } from '../../kafka/topic.js';
import { BatchProcessor, Stopper, type WorkerState } from './batches.js';
import { Positions } from './positions.js';
import { sleep } from './retry.js';
import { Drain } from './drain.js';
import { committedOffsets, fenceIds, recordedParallel, type CommittedOffset } from './fencing.js';
import { readLimits, type TopicLimits } from './limits.js';
import type { StageMetrics } from './metrics.js';
import { execSink, type Sink, type TransactionalSink } from './sinks.js';
import { transactionalWriter, type KeepSource } from './writer.js';
import type { ExecFormat, Transform } from './transforms.js';
import { isDbUnavailable } from './db/errors.js';
import { dbSink, type DbSink } from './db/sink.js';
import type { DbSinkSpec } from './db/spec.js';

/** One stage, fully resolved: from the command line, a chain, or a stage of a pipeline file. */
export interface StageSpec {
  name: string;
  from: string[];
  /** Destination topics (each output record goes to every one); empty when `toExec` is set. */
  to: string[];
  toExec?: string;
  /** A database table instead (exactly once, with the offsets stored in the database). */
  toDb?: DbSinkSpec;
  execFormat: ExecFormat;
  execTimeoutMs: number;
  /** --map-timeout: the longest a --map or --filter may take over one batch (0: no limit). */
  mapTimeoutMs: number;
  transforms: Transform[];
  group: string;
  batchSize: number;
  batchMs: number;
  retries: number;
  dlq?: string;
  parallel: number;
  /** Write each record to its source partition and with its source timestamp (unless a --map sets a partition). */
  keepSource?: KeepSource;
  /** Stop once each partition reaches this offset (exclusive), as --exit stops at the watermarks. */
  stopAt?: Array<{ topic: string; partition: number; offset: bigint }>;
}

export interface StageEnv {
  kafka: KafkaClient;
  conn: Connection;
  metrics: StageMetrics;
  /** Aborted on SIGINT/SIGTERM: the current batch finishes or aborts, then the stage stops. */
  signal: AbortSignal;
  /** Stop once the source's high watermarks at start are reached. */
  exit: boolean;
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv };
  warn(line: string): void;
  /** Called once the stage's topics are checked and it starts consuming. */
  started(): void;
}

/** How long a stage keeps reconnecting after a Kafka failure without committing anything. */
const RECOVER_MS = 120_000;
const SESSION_TIMEOUT_MS = 10_000;

export function transactionalId(spec: StageSpec, worker: number): string {
  return `${spec.group}:${spec.to.join('+')}:${worker}`;
}

/** What a stage learns before its workers start. */
interface Prepared {
  drain?: Drain;
  limits: TopicLimits;
  /** The highest --parallel the group's committed offsets record (fencing.ts). */
  recordedParallel: number;
}

/** Runs a stage until drained (--exit), interrupted, or failed; reconnects after Kafka failures. */
export async function runStage(spec: StageSpec, env: StageEnv): Promise<void> {
  const prepared = await prepare(spec, env);
  const { drain, limits } = prepared;
  if (!spec.toExec && !spec.toDb && prepared.recordedParallel > spec.parallel) {
    const retired = Array.from({ length: prepared.recordedParallel - spec.parallel }, (_, i) => transactionalId(spec, spec.parallel + i));
    await fenceIds(env.kafka, retired).catch((err) => {
      throw fromKafkaError(err, env.conn.brokers);
    });
  }
  // A raised --parallel is recorded once, before the new workers' first transactions.
  let record = !spec.toExec && !spec.toDb && spec.parallel > prepared.recordedParallel;
  env.started();
  if (drain?.done()) return;
  let progressAt = Date.now();
  const progress = () => (progressAt = Date.now());
  const positions = new Positions(drain);
  const beforeConsuming = async (sink: Sink) => {
    if (!record) return;
    await (sink as TransactionalSink).recordParallel(await offsetsToRecord(spec, env));
    record = false;
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await runWorkers(spec, env, { positions, progress, limits }, beforeConsuming);
      return;
    } catch (err) {
      // Only the client's failures (a broker gone, a fenced or timed-out transaction) are worth a reconnect.
      if (!(isKafkaFailure(err) || isDbUnavailable(err)) || env.signal.aborted) throw err;
      if (isFenced(err)) throw fencedError(spec, err);
      const error = isDbUnavailable(err) ? err : fromKafkaError(err, env.conn.brokers);
      if (Date.now() - progressAt > RECOVER_MS) throw error;
      const delay = Math.min(1000 * 2 ** Math.min(attempt, 3), 5000);
      env.warn(`stage ${spec.name}: ${error.message}; reconnecting in ${delay / 1000}s, then resuming after the last committed batch`);
      if (!(await sleep(delay, env.signal))) return;
    }
  }
}

function fencedError(spec: StageSpec, err: unknown): KstreamError {
  return new KstreamError(`stage ${spec.name}: another run of this stage took over its transactional id, so this one stopped`, {
    hint: 'run each stage once; use --parallel N for more workers, or another --group for a separate copy',
    cause: err,
  });
}

async function prepare(spec: StageSpec, env: StageEnv): Promise<Prepared> {
  const admin = await KafkaAdmin.on(env.kafka);
  try {
    await requireTopics(admin, [...spec.from, ...spec.to, ...(spec.dlq ? [spec.dlq] : [])]);
    const limits = await readLimits(admin, [...spec.to, ...(spec.dlq ? [spec.dlq] : [])]);
    const offsets = spec.toExec || spec.toDb ? [] : await whileRetriable(env, () => committedOffsets(admin, spec.group, spec.from));
    const drain = env.exit || spec.stopAt ? await whileRetriable(env, () => Drain.capture(admin, spec.from, spec.group, spec.stopAt)) : undefined;
    return { drain, limits, recordedParallel: recordedParallel(offsets) };
  } catch (err) {
    throw fromKafkaError(err, env.conn.brokers);
  } finally {
    await admin.close();
  }
}

/**
 * The group's committed offsets as they are now (every older worker is fenced, so they are final),
 * or, for a group that has none, the start of the first source partition: committing it changes
 * nothing, as the stage reads from the earliest record anyway, but it carries the record.
 */
async function offsetsToRecord(spec: StageSpec, env: StageEnv): Promise<CommittedOffset[]> {
  const admin = await KafkaAdmin.on(env.kafka);
  try {
    const offsets = await committedOffsets(admin, spec.group, spec.from);
    if (offsets.length) return offsets;
    const low = (await admin.watermarks(spec.from[0]!)).find((p) => p.partition === 0)?.low ?? 0;
    return [{ topic: spec.from[0]!, partition: 0, offset: String(low), metadata: null }];
  } finally {
    await admin.close();
  }
}

/** Retries what a broker refuses for now (a new cluster's group coordinator is not ready at first). */
async function whileRetriable<T>(env: StageEnv, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + Math.max(env.conn.timeoutMs * 3, 30_000);
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriable(err) || Date.now() > deadline || !(await sleep(500, env.signal))) throw err;
    }
  }
}

interface Worker {
  consumer: GroupConsumer;
  sink: Sink;
  close(): Promise<void>;
}

async function runWorkers(
  spec: StageSpec, env: StageEnv, shared: Omit<WorkerState, 'stopper'>, beforeConsuming: (sink: Sink) => Promise<void>,
): Promise<void> {
  const stopper = new Stopper();
  const onAbort = () => stopper.stop();
  env.signal.addEventListener('abort', onAbort);
  const state: WorkerState = { ...shared, stopper };
  state.positions.onDrain(() => stopper.stop());
  state.positions.resetLag();
  const workers: Worker[] = [];
  try {
    // Every worker's transactional id is initialised (fencing an older run) before any of them
    // consumes, so a raised --parallel is recorded before the first transaction of a new id.
    for (let i = 0; i < spec.parallel && !stopper.stopping; i++) workers.push(await openWorker(spec, env, i, state));
    if (workers[0] && !stopper.stopping) await beforeConsuming(workers[0].sink);
    for (const w of workers) {
      if (stopper.stopping) break;
      await startConsumer(spec, w, new BatchProcessor(spec, env, w.sink, state), state);
      env.metrics.set('workers', workers.indexOf(w) + 1);
    }
    await stopper.stopped;
  } catch (err) {
    stopper.stop(err);
  } finally {
    env.signal.removeEventListener('abort', onAbort);
    stopper.stopping = true;
    await Promise.all(workers.map((w) => w.close()));
    env.metrics.set('workers', 0);
  }
  if (stopper.error) throw stopper.error;
}

/** One worker's group member (not yet connected) and its sink (a transactional producer, initialised). */
async function openWorker(spec: StageSpec, env: StageEnv, index: number, state: WorkerState): Promise<Worker> {
  const { limits } = state;
  const consumer = new GroupConsumer(env.kafka, {
    groupId: spec.group,
    readUncommitted: false,
    maxWaitMs: spec.batchMs,
    // Room for a whole --batch-size of records up to ~256 B in one fetch: fewer, larger transactions.
    // (Room for 1 KB records doubled the peak RSS at 1M records, 540 MB against 300 MB, for the same speed.)
    maxBytesPerPartition: Math.min(Math.max(spec.batchSize * 256, 1 << 20), 32 << 20),
    maxBytes: 64 << 20,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: 1000,
    // Failures end the worker; runStage decides whether to reconnect, with fresh clients.
    failFast: true,
  });
  const sink = spec.toDb
    ? await dbSink(env.kafka, consumer, {
      spec: spec.toDb, stage: spec.group, name: spec.name, from: spec.from, dlq: spec.dlq, env: env.io.env, timeoutMs: env.conn.timeoutMs,
      metrics: env.metrics, warn: env.warn, positions: state.positions.committed, seed: index === 0,
    })
    : spec.toExec
    ? await execSink(env.kafka, consumer, { command: spec.toExec, format: spec.execFormat, timeoutMs: spec.execTimeoutMs, ...env.io, dlq: spec.dlq })
    : await transactionalWriter(env.kafka, {
      transactionalId: transactionalId(spec, index), to: spec.to, dlq: spec.dlq, groupId: spec.group, parallel: spec.parallel, limits, retryMs: env.conn.timeoutMs, keep: spec.keepSource,
    });
  return {
    consumer,
    sink,
    close: async () => {
      await consumer.disconnect().catch(() => undefined);
      await sink.close().catch(() => undefined);
    },
  };
}

async function startConsumer(spec: StageSpec, w: Worker, batches: BatchProcessor, state: WorkerState): Promise<void> {
  const { consumer } = w;
  consumer.onCrash((error) => state.stopper.stop(error));
  if (spec.toDb) resumeFromSink(consumer, w.sink as DbSink, state);
  consumer.onEmptyBatch((tp, next) => batches.advance(tp.topic, tp.partition, BigInt(next)));
  await consumer.connect();
  await consumer.subscribe(spec.from, true);
  await consumer.run({ eachBatch: (batch, control) => batches.processBatch(batch, control) });
}

/**
 * A database sink stores its own offsets: each assigned partition starts where the database says
 * (kept in Positions, which also skips what a fetch from the group's older offset returns).
 */
function resumeFromSink(consumer: GroupConsumer, sink: DbSink, state: WorkerState): void {
  const start = new Map(sink.resumeAt.map((r) => [`${r.topic}/${r.partition}`, r.next]));
  const { positions } = state;
  for (const r of sink.resumeAt) positions.drain?.resume(r.topic, r.partition, positions.next(r.topic, r.partition) ?? r.next);
  if (positions.drain?.done()) state.stopper.stop();
  consumer.seekOnJoin((topic, partition) => (positions.next(topic, partition) ?? start.get(`${topic}/${partition}`))?.toString());
}
