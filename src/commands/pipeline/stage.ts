import type { Consumer, EachBatchPayload, KafkaClient } from '../../kafkajs.js';
import type { Connection } from '../../connection.js';
import { ExitCode, KstreamError } from '../../errors.js';
import { fromKafkaError, rootCause } from '../../kafka-errors.js';
import { requireTopics } from '../../topic.js';
import { Drain } from './drain.js';
import type { StageMetrics } from './metrics.js';
import { fromMessage, TransformError, type PipeRecord } from './record.js';
import { execSink, transactionalSink, type BatchOffsets, type Sink } from './sinks.js';
import { applyTransforms, type ExecFormat, type Transform } from './transforms.js';
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
  transforms: Transform[];
  group: string;
  batchSize: number;
  batchMs: number;
  retries: number;
  dlq?: string;
  parallel: number;
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

/** Runs a stage until drained (--exit), interrupted, or failed; reconnects after Kafka failures. */
export async function runStage(spec: StageSpec, env: StageEnv): Promise<void> {
  const drain = await prepare(spec, env);
  env.started();
  if (drain?.done()) return;
  let progressAt = Date.now();
  const progress = () => (progressAt = Date.now());
  const committed = new Map<string, bigint>();
  for (let attempt = 0; ; attempt++) {
    try {
      await runWorkers(spec, env, { drain, progress, committed });
      return;
    } catch (err) {
      // Only the client's failures (a broker gone, a fenced or timed-out transaction) are worth a reconnect.
      const fromClient = (err as Error)?.name?.startsWith('KafkaJS') ?? false;
      if (!(fromClient || isDbUnavailable(err)) || env.signal.aborted) throw err;
      if (isFenced(err)) throw fencedError(spec, err);
      const error = isDbUnavailable(err) ? err : fromKafkaError(err, env.conn.brokers);
      if (Date.now() - progressAt > RECOVER_MS) throw error;
      const delay = Math.min(1000 * 2 ** Math.min(attempt, 3), 5000);
      env.warn(`stage ${spec.name}: ${error.message}; reconnecting in ${delay / 1000}s, then resuming after the last committed batch`);
      if (!(await sleep(delay, env.signal))) return;
    }
  }
}

/** Another producer initialised this stage's transactional id: a newer run of the same stage. */
export function isFenced(err: unknown): boolean {
  const root = rootCause(err) as { type?: string; code?: number } | undefined;
  return root?.type === 'INVALID_PRODUCER_EPOCH' || root?.type === 'PRODUCER_FENCED' || root?.code === 90;
}

function fencedError(spec: StageSpec, err: unknown): KstreamError {
  return new KstreamError(`stage ${spec.name}: another run of this stage took over its transactional id, so this one stopped`, {
    hint: 'run each stage once; use --parallel N for more workers, or another --group for a separate copy',
    cause: err,
  });
}

async function prepare(spec: StageSpec, env: StageEnv): Promise<Drain | undefined> {
  const admin = env.kafka.admin();
  try {
    await admin.connect();
    await requireTopics(admin, [...spec.from, ...spec.to, ...(spec.dlq ? [spec.dlq] : [])]);
    return env.exit ? await whileRetriable(env, () => Drain.capture(admin, spec.from, spec.group)) : undefined;
  } catch (err) {
    throw fromKafkaError(err, env.conn.brokers);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Retries what a broker refuses for now (a new cluster's group coordinator is not ready at first). */
async function whileRetriable<T>(env: StageEnv, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + Math.max(env.conn.timeoutMs * 3, 30_000);
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const retriable = (rootCause(err) as { retriable?: boolean } | undefined)?.retriable === true;
      if (!retriable || Date.now() > deadline || !(await sleep(500, env.signal))) throw err;
    }
  }
}

/** Ends a run of the workers: the first of drained, interrupted or failed. */
class Stopper {
  stopping = false;
  error: unknown;
  private resolve!: () => void;
  readonly stopped = new Promise<void>((r) => (this.resolve = r));
  stop(error?: unknown): void {
    if (!this.stopping) this.error = error;
    this.stopping = true;
    this.resolve();
  }
}

async function runWorkers(spec: StageSpec, env: StageEnv, shared: Pick<WorkerState, 'drain' | 'progress' | 'committed'>): Promise<void> {
  const stopper = new Stopper();
  const onAbort = () => stopper.stop();
  env.signal.addEventListener('abort', onAbort);
  const closers: Array<() => Promise<void>> = [];
  const lag = new Map<string, bigint>();
  try {
    for (let i = 0; i < spec.parallel && !stopper.stopping; i++) {
      closers.push(await startWorker(spec, env, i, { ...shared, stopper, lag }));
      env.metrics.set('workers', closers.length);
    }
    await stopper.stopped;
  } catch (err) {
    stopper.stop(err);
  } finally {
    env.signal.removeEventListener('abort', onAbort);
    stopper.stopping = true;
    await Promise.all(closers.map((close) => close()));
    env.metrics.set('workers', 0);
  }
  if (stopper.error) throw stopper.error;
}

interface WorkerState {
  stopper: Stopper;
  drain?: Drain;
  lag: Map<string, bigint>;
  progress: () => void;
  /**
   * The next offset this process committed, per partition. A consumer that rejoins (rebalance,
   * reconnect) reads committed offsets from the group, which may not yet show a transaction that
   * just committed (kafkajs cannot ask for stable offsets); records below this were done already.
   */
  committed: Map<string, bigint>;
}

/** Connects one worker (a transactional producer and a group member) and starts it; returns its closer. */
async function startWorker(spec: StageSpec, env: StageEnv, index: number, state: WorkerState): Promise<() => Promise<void>> {
  const consumer = env.kafka.consumer({
    groupId: spec.group,
    readUncommitted: false,
    maxWaitTimeInMs: spec.batchMs,
    // Room for a whole --batch-size of typical records in one fetch: fewer, larger transactions.
    maxBytesPerPartition: Math.min(Math.max(spec.batchSize * 1024, 1 << 20), 32 << 20),
    maxBytes: 64 << 20,
    sessionTimeout: SESSION_TIMEOUT_MS,
    heartbeatInterval: 1000,
    allowAutoTopicCreation: false,
    // Failures end the worker; runStage decides whether to reconnect, with fresh clients.
    retry: { retries: 3, restartOnFailure: async () => false },
  });
  const sink = spec.toDb
    ? await dbSink(env.kafka, consumer, {
      spec: spec.toDb, stage: spec.group, name: spec.name, from: spec.from, dlq: spec.dlq, env: env.io.env, timeoutMs: env.conn.timeoutMs,
      metrics: env.metrics, warn: env.warn, positions: state.committed, seed: index === 0,
    })
    : spec.toExec
    ? await execSink(env.kafka, consumer, { command: spec.toExec, format: spec.execFormat, timeoutMs: spec.execTimeoutMs, ...env.io, dlq: spec.dlq })
    : await transactionalSink(env.kafka, { transactionalId: transactionalId(spec, index), to: spec.to, groupId: spec.group });
  const close = async () => {
    await consumer.disconnect().catch(() => undefined);
    await sink.close().catch(() => undefined);
  };
  try {
    consumer.on(consumer.events.CRASH, ({ payload }) => state.stopper.stop(payload.error));
    if (spec.toDb) resumeFromSink(consumer, sink as DbSink, state);
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // Batches of only transaction markers or aborted records never reach eachBatch, but move the position.
      if (payload.batchSize === 0) advance(state, payload.topic, payload.partition, BigInt(payload.lastOffset) + 1n);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: spec.from, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => processBatch(spec, env, sink, state, payload),
    });
  } catch (err) {
    await close();
    throw err;
  }
  return close;
}

/**
 * A database sink stores its own offsets: each assigned partition starts where the database says
 * (kept in `committed`, which also skips what a fetch from the group's older offset returns).
 */
function resumeFromSink(consumer: Consumer, sink: DbSink, state: WorkerState): void {
  const start = new Map(sink.resumeAt.map((r) => [`${r.topic}/${r.partition}`, r.next]));
  for (const r of sink.resumeAt) state.drain?.resume(r.topic, r.partition, state.committed.get(`${r.topic}/${r.partition}`) ?? r.next);
  if (state.drain?.done()) state.stopper.stop();
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
      for (const partition of partitions) {
        const at = state.committed.get(`${topic}/${partition}`) ?? start.get(`${topic}/${partition}`);
        if (at !== undefined) consumer.seek({ topic, partition, offset: at.toString() });
      }
    }
  });
}

function advance(state: WorkerState, topic: string, partition: number, next: bigint): void {
  if (!state.drain) return;
  state.drain.advance(topic, partition, next);
  if (state.drain.done()) state.stopper.stop();
}

/** Splits one fetched batch (one partition) into micro-batches of at most --batch-size, each committed on its own. */
async function processBatch(spec: StageSpec, env: StageEnv, sink: Sink, state: WorkerState, p: EachBatchPayload): Promise<void> {
  const { batch } = p;
  const key = `${batch.topic}/${batch.partition}`;
  const done = state.committed.get(key);
  const messages = done === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) >= done);
  if (messages.length === 0 && batch.messages.length > 0) p.resolveOffset(batch.messages.at(-1)!.offset);
  for (let start = 0; start < messages.length; start += spec.batchSize) {
    if (state.stopper.stopping || !p.isRunning() || p.isStale()) return;
    const chunk = messages.slice(start, start + spec.batchSize);
    const last = start + spec.batchSize >= messages.length;
    // The last micro-batch also covers trailing transaction markers, so the committed offset passes them.
    const next = BigInt(last ? batch.lastOffset() : chunk.at(-1)!.offset) + 1n;
    const offsets: BatchOffsets = { topic: batch.topic, partition: batch.partition, first: chunk[0]!.offset, next };
    const inputs = chunk.map((m) => fromMessage(batch.topic, batch.partition, m));
    if (!(await processChunk(spec, env, sink, state, inputs, offsets, p.heartbeat))) return;
    state.committed.set(key, next);
    p.resolveOffset(chunk.at(-1)!.offset);
    state.progress();
    state.lag.set(key, BigInt(batch.highWatermark) - next);
    env.metrics.set('lag', Number([...state.lag.values()].reduce((a, b) => a + (b > 0n ? b : 0n), 0n)));
    advance(state, batch.topic, batch.partition, next);
    await p.heartbeat();
  }
}

/** Transforms and commits one micro-batch, with retries; false when the worker must stop. */
async function processChunk(
  spec: StageSpec, env: StageEnv, sink: Sink, state: WorkerState, inputs: PipeRecord[], offsets: BatchOffsets, heartbeat: () => Promise<void>,
): Promise<boolean> {
  const { metrics } = env;
  const started = Date.now();
  metrics.add('recordsIn', inputs.length);
  metrics.inc('inFlight', 1);
  try {
    for (let attempt = 0; ; attempt++) {
      let outputs: PipeRecord[];
      try {
        outputs = await whileBeating(heartbeat, async () => {
          const out = await applyTransforms(spec.transforms, inputs);
          await sink.prepare(out);
          return out;
        });
      } catch (err) {
        if (!(err instanceof TransformError)) throw err;
        metrics.add('batchesAborted');
        if (attempt < spec.retries) {
          env.warn(`stage ${spec.name}: ${err.message}; retry ${attempt + 1} of ${spec.retries} for ${range(offsets, inputs)}`);
          if (await sleep(Math.min(200 * 2 ** attempt, 10_000), env.signal)) continue;
          state.stopper.stop();
          return false;
        }
        return await giveUp(spec, env, sink, state, inputs, offsets, err);
      }
      await sink.commit(outputs, offsets);
      metrics.add('recordsOut', outputs.length * Math.max(spec.to.length, 1));
      metrics.add('recordsFiltered', Math.max(inputs.length - outputs.length, 0));
      metrics.add('batchesCommitted');
      observeLatency(metrics, inputs);
      metrics.observe('batchMs', Date.now() - started);
      return true;
    }
  } catch (err) {
    // A Kafka failure: the transaction was not committed (or its outcome is unknown); reconnecting settles it.
    metrics.add('batchesAborted');
    state.stopper.stop(err);
    return false;
  } finally {
    metrics.inc('inFlight', -1);
  }
}

async function giveUp(
  spec: StageSpec, env: StageEnv, sink: Sink, state: WorkerState, inputs: PipeRecord[], offsets: BatchOffsets, err: TransformError,
): Promise<boolean> {
  if (spec.dlq) {
    await sink.deadLetter(inputs, err.message, offsets, spec.dlq);
    env.warn(`stage ${spec.name}: ${err.message}; sent ${range(offsets, inputs)} to ${spec.dlq}`);
    env.metrics.add('recordsFailed', inputs.length);
    env.metrics.add('batchesCommitted');
    return true;
  }
  state.stopper.stop(new KstreamError(`stage ${spec.name}: ${err.message}; stopped at ${range(offsets, inputs)}, not committed`, {
    exitCode: ExitCode.USAGE,
    hint: 'fix the transform and run again (it resumes from these records), or pass --dlq TOPIC to set failing batches aside',
  }));
  return false;
}

const range = (o: BatchOffsets, inputs: PipeRecord[]) => `${o.topic} partition ${o.partition} offsets ${o.first}-${inputs.at(-1)?.origin?.offset ?? o.first}`;

/** Up to 100 records spread over the batch: enough for percentiles, cheap at a million records. */
function observeLatency(metrics: StageMetrics, inputs: PipeRecord[]): void {
  const now = Date.now();
  const step = Math.max(1, Math.floor(inputs.length / 100));
  for (let i = 0; i < inputs.length; i += step) {
    const ts = Number(inputs[i]!.origin?.timestamp);
    if (Number.isFinite(ts)) metrics.observe('latencyMs', Math.max(0, now - ts));
  }
}

/** Keeps the group membership alive while a slow transform runs; a rebalance is handled after the commit. */
async function whileBeating<T>(heartbeat: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => heartbeat().catch(() => undefined), 1000);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/** Resolves true after `ms`, or false at once if `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
