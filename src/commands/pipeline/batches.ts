import type { EachBatchPayload } from '../../kafka/kafkajs.js';
import { ExitCode, KstreamError } from '../../errors.js';
import { rootCause } from '../../kafka/errors.js';
import type { Drain } from './drain.js';
import { aloneBytes, type TopicLimits } from './limits.js';
import { fromMessage, StopRequested, TransformError, type PipeRecord } from './record.js';
import { deadLetterMessage, type BatchOffsets, type DeadLetter, type Sink } from './sinks.js';
import type { StageEnv, StageSpec } from './stage.js';
import { applyTransforms } from './transforms.js';

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
  drain?: Drain;
  lag: Map<string, bigint>;
  progress: () => void;
  /**
   * The next offset this process committed, per partition. A consumer that rejoins (rebalance,
   * reconnect) reads committed offsets from the group, which may not yet show a transaction that
   * just committed (kafkajs cannot ask for stable offsets); records below this were done already.
   */
  committed: Map<string, bigint>;
  /** max.message.bytes of the destinations and the DLQ. */
  limits: TopicLimits;
}

/** A record too large for a topic it must go to: trying again cannot help. */
export class TooLargeError extends TransformError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

const range = (o: BatchOffsets, inputs: PipeRecord[]) => `${o.topic} partition ${o.partition} offsets ${o.first}-${inputs.at(-1)?.origin?.offset ?? o.first}`;

/** Drives one worker's batches: micro-batching, retries, dead letters and the commit through its sink. */
export class BatchProcessor {
  constructor(
    private readonly spec: StageSpec,
    private readonly env: StageEnv,
    private readonly sink: Sink,
    private readonly state: WorkerState,
  ) {}

  advance(topic: string, partition: number, next: bigint): void {
    const { drain, stopper } = this.state;
    if (!drain) return;
    drain.advance(topic, partition, next);
    if (drain.done()) stopper.stop();
  }

  /** Splits one fetched batch (one partition) into micro-batches of at most --batch-size, each committed on its own. */
  async processBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const { spec, state } = this;
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
      if (!(await this.processChunk(inputs, offsets, p.heartbeat))) return;
      state.committed.set(key, next);
      p.resolveOffset(chunk.at(-1)!.offset);
      state.progress();
      state.lag.set(key, BigInt(batch.highWatermark) - next);
      this.env.metrics.set('lag', Number([...state.lag.values()].reduce((a, b) => a + (b > 0n ? b : 0n), 0n)));
      this.advance(batch.topic, batch.partition, next);
      await p.heartbeat();
    }
  }

  /** Transforms and commits one micro-batch, with retries; false when the worker must stop. */
  private async processChunk(inputs: PipeRecord[], offsets: BatchOffsets, heartbeat: () => Promise<void>): Promise<boolean> {
    const { spec, env, sink, state } = this;
    const { metrics } = env;
    const started = Date.now();
    metrics.add('recordsIn', inputs.length);
    metrics.inc('inFlight', 1);
    try {
      for (let attempt = 0; ; attempt++) {
        let outputs: PipeRecord[];
        let dead: DeadLetter[];
        try {
          outputs = await whileBeating(heartbeat, async () => {
            const out = await applyTransforms(spec.transforms, inputs, env.signal);
            await sink.prepare(out, env.signal);
            return out;
          });
          ({ outputs, dead } = this.setAsideTooLarge(outputs, inputs));
        } catch (err) {
          if (err instanceof StopRequested) {
            // Ctrl-C while a transform ran: the batch is abandoned, nothing of it committed.
            metrics.add('batchesAborted');
            state.stopper.stop();
            return false;
          }
          if (!(err instanceof TransformError)) throw err;
          metrics.add('batchesAborted');
          if (err.retriable && attempt < spec.retries) {
            env.warn(`stage ${spec.name}: ${err.message}; retry ${attempt + 1} of ${spec.retries} for ${range(offsets, inputs)}`);
            if (await sleep(Math.min(200 * 2 ** attempt, 10_000), env.signal)) continue;
            state.stopper.stop();
            return false;
          }
          return await this.giveUp(inputs, offsets, err);
        }
        await sink.commit(outputs, offsets, dead.length ? { topic: spec.dlq!, records: dead } : undefined);
        for (const d of dead) env.warn(`stage ${spec.name}: ${d.error}; sent it to ${spec.dlq}`);
        metrics.add('recordsOut', outputs.length * Math.max(spec.to.length, 1));
        metrics.add('recordsFiltered', Math.max(inputs.length - outputs.length - dead.length, 0));
        metrics.add('recordsFailed', dead.length);
        metrics.add('batchesCommitted');
        observeLatency(metrics, inputs);
        metrics.observe('batchMs', Date.now() - started);
        return true;
      }
    } catch (err) {
      metrics.add('batchesAborted');
      state.stopper.stop(tooLargeForBroker(err) ? brokerRefused(spec, range(offsets, inputs), err) : err);
      return false;
    } finally {
      metrics.inc('inFlight', -1);
    }
  }

  /**
   * Outputs larger than a destination's max.message.bytes are bad records, not a Kafka outage. With
   * --dlq, each one's input record goes to the DLQ in the batch's own transaction and the rest goes
   * on; without it (or when the output cannot be traced to one input, after --exec), the batch fails.
   */
  private setAsideTooLarge(outputs: PipeRecord[], inputs: PipeRecord[]): { outputs: PipeRecord[]; dead: DeadLetter[] } {
    const { spec, state } = this;
    const limit = Math.min(...spec.to.map((t) => state.limits.get(t) ?? Infinity));
    const topic = spec.to.find((t) => state.limits.get(t) === limit);
    const big = Number.isFinite(limit) ? outputs.filter((r) => aloneBytes(r) > limit) : [];
    if (big.length === 0) return { outputs, dead: [] };
    const why = (r: PipeRecord) => {
      const o = r.origin;
      const from = o ? `the record at ${o.topic} partition ${o.partition} offset ${o.offset}` : 'a record';
      return `${from} became ${aloneBytes(r)} bytes, more than the ${limit} bytes topic '${topic}' accepts (max.message.bytes)`;
    };
    if (!spec.dlq || big.some((r) => !r.origin)) throw new TooLargeError(why(big[0]!));
    const byOffset = new Map(inputs.map((r) => [r.origin!.offset, r]));
    const dead = new Map<PipeRecord, string>();
    for (const r of big) dead.set(byOffset.get(r.origin!.offset)!, why(r));
    const dlqLimit = state.limits.get(spec.dlq) ?? Infinity;
    for (const [input, error] of dead) {
      const letter = deadLetterMessage(input, error);
      const size = aloneBytes({ key: letter.key as Buffer | null, value: letter.value as Buffer | null, headers: letter.headers as PipeRecord['headers'] });
      if (size > dlqLimit) throw new TooLargeError(`${error}, and as a dead letter it is ${size} bytes, more than the ${dlqLimit} bytes '${spec.dlq}' accepts`);
    }
    const bigSet = new Set(big);
    return { outputs: outputs.filter((r) => !bigSet.has(r)), dead: [...dead].map(([record, error]) => ({ record, error })) };
  }

  private async giveUp(inputs: PipeRecord[], offsets: BatchOffsets, err: TransformError): Promise<boolean> {
    const { spec, env, sink, state } = this;
    if (spec.dlq) {
      await sink.deadLetter(inputs, err.message, offsets, spec.dlq);
      env.warn(`stage ${spec.name}: ${err.message}; sent ${range(offsets, inputs)} to ${spec.dlq}`);
      env.metrics.add('recordsFailed', inputs.length);
      env.metrics.add('batchesCommitted');
      return true;
    }
    const hint = err instanceof TooLargeError
      ? `make the output smaller, raise the topic's max.message.bytes (kstream topics alter … -c max.message.bytes=N), or pass --dlq TOPIC to set such records aside`
      : 'fix the transform and run again (it resumes from these records), or pass --dlq TOPIC to set failing batches aside';
    state.stopper.stop(new KstreamError(`stage ${spec.name}: ${err.message}; stopped at ${range(offsets, inputs)}, not committed`, { exitCode: ExitCode.USAGE, hint }));
    return false;
  }
}

const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

function tooLargeForBroker(err: unknown): boolean {
  const root = rootCause(err) as { type?: string } | undefined;
  return TOO_LARGE.has(root?.type ?? '');
}

/** The broker refused a send as too large although the sizes were checked (a broker-side limit kstream could not read). */
function brokerRefused(spec: StageSpec, where: string, err: unknown): KstreamError {
  const type = (rootCause(err) as { type?: string }).type;
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
