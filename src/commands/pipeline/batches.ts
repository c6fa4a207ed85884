// One worker's batches: a fetched batch (one partition) is cut into micro-batches of at most
// --batch-size, and each is attempted (retry.ts), committed through the sink with its offsets, or
// dead-lettered, in order; a micro-batch's transforms run while the one before it commits. Where
// each partition stands is kept in positions.ts.
import { ExitCode, KstreamError } from '../../errors.js';
import { kafkaCode } from '../../kafka/errors.js';
import type { BatchControl } from '../../kafka/group/consumer.js';
import type { FetchedBatch, FetchedRecord } from '../../kafka/types.js';
import type { TopicLimits } from './limits.js';
import type { Positions } from './positions.js';
import { fromMessage, type PipeRecord } from './record.js';
import { Attempts, notCommitted, type Outcome } from './retry.js';
import type { BatchOffsets, DeadLetter, Sink } from './sinks.js';
import type { StageEnv, StageSpec } from './stage.js';

export { sleep, TooLargeError } from './retry.js';

/** Ends a run of the workers: the first of drained, interrupted or failed. */
export class Stopper {
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

/** What the workers of one run of a stage share. */
export interface WorkerState {
  stopper: Stopper;
  positions: Positions;
  progress: () => void;
  /** max.message.bytes of the destinations and the DLQ. */
  limits: TopicLimits;
}

/** A micro-batch of a fetched batch: its messages and the offsets its commit covers. */
export interface MicroBatch {
  messages: FetchedRecord[];
  offsets: BatchOffsets;
}

/**
 * Cuts the not-yet-committed `messages` of a fetched batch into micro-batches of at most `size`.
 * The last one also covers trailing transaction markers (up to `lastOffset`), so its committed
 * offset passes them.
 */
export function* microBatches(topic: string, partition: number, messages: FetchedRecord[], size: number, lastOffset: string): Generator<MicroBatch> {
  for (let start = 0; start < messages.length; start += size) {
    const chunk = messages.slice(start, start + size);
    const last = start + size >= messages.length;
    const next = BigInt(last ? lastOffset : chunk.at(-1)!.offset) + 1n;
    yield { messages: chunk, offsets: { topic, partition, first: chunk[0]!.offset, next } };
  }
}

const describe = (o: BatchOffsets, inputs: PipeRecord[]) => `${o.topic} partition ${o.partition} offsets ${o.first}-${inputs.at(-1)?.origin?.offset ?? o.first}`;

/** A micro-batch whose transforms ran, waiting for its turn to commit. */
interface Attempt {
  inputs: PipeRecord[];
  offsets: BatchOffsets;
  where: string;
  started: number;
  outcome: Extract<Outcome, { kind: 'done' | 'failed' }>;
}

/** Drives one worker's batches: micro-batching, the attempts, and the commit through its sink. */
export class BatchProcessor {
  private readonly attempts: Attempts;

  constructor(
    private readonly spec: StageSpec,
    private readonly env: StageEnv,
    private readonly sink: Sink,
    private readonly state: WorkerState,
  ) {
    this.attempts = new Attempts(spec, env, sink, state.limits);
  }

  /** Batches of only transaction markers or aborted records never reach eachBatch, but move the position. */
  advance(topic: string, partition: number, next: bigint): void {
    this.state.positions.advance(topic, partition, next);
  }

  /**
   * Each micro-batch's transforms run while the one before it commits: the transform runs in a
   * worker thread or a child process and the commit waits on the broker, so the two overlap. A
   * micro-batch is committed only once the one before it was, so commits stay in offset order,
   * and nothing after a failed commit is committed.
   */
  async processBatch(batch: FetchedBatch, p: BatchControl): Promise<void> {
    const { spec, state } = this;
    const messages = state.positions.pending(batch.topic, batch.partition, batch.records);
    if (messages.length === 0 && batch.records.length > 0) p.resolveOffset(batch.records.at(-1)!.offset);
    let previous: Promise<boolean> = Promise.resolve(true);
    for (const micro of microBatches(batch.topic, batch.partition, messages, spec.batchSize, batch.lastOffset)) {
      if (state.stopper.stopping || !p.isRunning() || p.isStale()) break;
      const inputs = micro.messages.map((m) => fromMessage(batch.topic, batch.partition, m));
      // A failed heartbeat after the commit before is thrown below, where it was before the overlap.
      const before = previous.catch(() => false);
      const attempted = await this.attempt(inputs, micro.offsets, p.heartbeat, () => before);
      // A micro-batch whose transforms started is committed even if the worker was told to stop
      // meanwhile (Ctrl-C lets an --exec command finish its batch); the group keeps the partition
      // until this returns. Only a failed commit before it stops it here.
      if (!(await previous) || !attempted) {
        if (attempted) this.env.metrics.inc('inFlight', -1); // transformed, never to be committed
        previous = Promise.resolve(false);
        break;
      }
      previous = this.settle(attempted).then(async (ok) => {
        if (!ok) return false;
        p.resolveOffset(micro.messages.at(-1)!.offset);
        state.progress();
        const lag = state.positions.committedUpTo(batch.topic, batch.partition, micro.offsets.next, BigInt(batch.highWatermark));
        this.env.metrics.set('lag', lag);
        await p.heartbeat();
        return true;
      });
      // Awaited before the next commit or at the end; until then a failed heartbeat must not count as unhandled.
      previous.catch(() => undefined);
    }
    await previous;
  }

  /** Runs one micro-batch's attempts; undefined when the worker must stop. */
  private async attempt(inputs: PipeRecord[], offsets: BatchOffsets, heartbeat: () => Promise<void>, ready: () => Promise<boolean>): Promise<Attempt | undefined> {
    const { env, state } = this;
    const started = Date.now();
    const where = describe(offsets, inputs);
    env.metrics.add('recordsIn', inputs.length);
    env.metrics.inc('inFlight', 1);
    try {
      const outcome = await this.attempts.run({ inputs, where }, (fn) => whileBeating(heartbeat, fn), ready);
      if (outcome.kind === 'done' || outcome.kind === 'failed') return { inputs, offsets, where, started, outcome };
      if (outcome.kind === 'interrupted') state.stopper.stop();
    } catch (err) {
      this.abort(err, where);
    }
    env.metrics.inc('inFlight', -1);
    return undefined;
  }

  /** Commits an attempted micro-batch, or sends it to the DLQ; false when the worker must stop. */
  private async settle({ inputs, offsets, where, started, outcome }: Attempt): Promise<boolean> {
    const { spec, env, state } = this;
    try {
      if (outcome.kind === 'failed') {
        if (!spec.dlq) {
          state.stopper.stop(notCommitted(spec, where, outcome.error));
          return false;
        }
        await this.deadLetterAll(inputs, offsets, outcome.error.message, where);
        return true;
      }
      await this.commit(inputs, offsets, outcome.outputs, outcome.dead);
      env.metrics.observe('batchMs', Date.now() - started);
      return true;
    } catch (err) {
      this.abort(err, where);
      return false;
    } finally {
      env.metrics.inc('inFlight', -1);
    }
  }

  private abort(err: unknown, where: string): void {
    this.env.metrics.add('batchesAborted');
    this.state.stopper.stop(tooLargeForBroker(err) ? brokerRefused(this.spec, where, err) : err);
  }

  private async commit(inputs: PipeRecord[], offsets: BatchOffsets, outputs: PipeRecord[], dead: DeadLetter[]): Promise<void> {
    const { spec, env, sink } = this;
    const { metrics } = env;
    await sink.commit(outputs, offsets, dead.length ? { topic: spec.dlq!, records: dead } : undefined);
    for (const d of dead) env.warn(`stage ${spec.name}: ${d.error}; sent it to ${spec.dlq}`);
    metrics.add('recordsOut', outputs.length * Math.max(spec.to.length, 1));
    metrics.add('recordsFiltered', Math.max(inputs.length - outputs.length - dead.length, 0));
    metrics.add('recordsFailed', dead.length);
    metrics.add('batchesCommitted');
    observeLatency(metrics, inputs);
  }

  /** The whole micro-batch to the DLQ, its offsets committed with it. */
  private async deadLetterAll(inputs: PipeRecord[], offsets: BatchOffsets, error: string, where: string): Promise<void> {
    const { spec, env, sink } = this;
    await sink.deadLetter(inputs, error, offsets, spec.dlq!);
    env.warn(`stage ${spec.name}: ${error}; sent ${where} to ${spec.dlq}`);
    env.metrics.add('recordsFailed', inputs.length);
    env.metrics.add('batchesCommitted');
  }
}

const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

function tooLargeForBroker(err: unknown): boolean {
  return TOO_LARGE.has(kafkaCode(err) ?? '');
}

/** The broker refused a send as too large although the sizes were checked (a broker-side limit kstream could not read). */
function brokerRefused(spec: StageSpec, where: string, err: unknown): KstreamError {
  const type = kafkaCode(err);
  return new KstreamError(`stage ${spec.name}: the broker refused the output of ${where} as too large (${type}); stopped there, not committed`, {
    exitCode: ExitCode.USAGE,
    hint: "make the output smaller or raise the destination's max.message.bytes; --batch-size 1 with --dlq TOPIC sets single records aside",
    cause: err,
  });
}

/** Up to 100 records spread over the batch: enough for percentiles, cheap at a million records. */
function observeLatency(metrics: StageEnv['metrics'], inputs: PipeRecord[]): void {
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

