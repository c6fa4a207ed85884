// Retry and dead letters: one micro-batch's attempts at its transforms (and the sink's prepare
// step), what happens when they keep failing, and which outputs are set aside as too large.
import { ExitCode, KstreamError } from '../../errors.js';
import { aloneBytes, type TopicLimits } from './limits.js';
import { StopRequested, TransformError, type PipeRecord } from './record.js';
import { deadLetterMessage, type DeadLetter, type Sink } from './sinks.js';
import type { StageEnv, StageSpec } from './stage.js';
import { applyTransforms } from './transforms.js';

/** A record too large for a topic it must go to: trying again cannot help. */
export class TooLargeError extends TransformError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** How the attempts at one micro-batch ended. */
export type Outcome =
  /** Ready to commit: the outputs, and the inputs set aside to the DLQ in the same commit. */
  | { kind: 'done'; outputs: PipeRecord[]; dead: DeadLetter[] }
  /** Out of tries (or not retriable): the whole batch goes to the DLQ, or the stage stops. */
  | { kind: 'failed'; error: TransformError }
  /** Ctrl-C while a transform ran or a retry waited: nothing of the batch is committed. */
  | { kind: 'interrupted' }
  /** The commit before it failed: the worker stops, and nothing of this batch is committed. */
  | { kind: 'abandoned' };

/** A micro-batch: its inputs, and how to name it in messages ("t partition 0 offsets 3-9"). */
export interface Attempted {
  inputs: PipeRecord[];
  where: string;
}

export class Attempts {
  constructor(
    private readonly spec: StageSpec,
    private readonly env: StageEnv,
    private readonly sink: Sink,
    private readonly limits: TopicLimits,
  ) {}

  /**
   * Runs the transforms and the sink's prepare step, retrying a retriable TransformError with
   * backoff. The transforms may run while the micro-batch before commits; `ready` waits for that
   * commit (false: it failed, and this batch is abandoned), and only then does the sink prepare.
   */
  async run(batch: Attempted, keepAlive: <T>(fn: () => Promise<T>) => Promise<T>, ready: () => Promise<boolean> = async () => true): Promise<Outcome> {
    const { spec, env, sink } = this;
    for (let attempt = 0; ; attempt++) {
      try {
        const outputs = await keepAlive(async () => {
          const out = await applyTransforms(spec.transforms, batch.inputs, env.signal);
          if (!(await ready())) return undefined;
          await sink.prepare(out, env.signal);
          return out;
        });
        if (!outputs) return { kind: 'abandoned' };
        return { kind: 'done', ...this.setAsideTooLarge(outputs, batch.inputs) };
      } catch (err) {
        if (err instanceof StopRequested) {
          env.metrics.add('batchesAborted');
          return { kind: 'interrupted' };
        }
        if (!(err instanceof TransformError)) throw err;
        env.metrics.add('batchesAborted');
        if (!err.retriable || attempt >= spec.retries) return { kind: 'failed', error: err };
        env.warn(`stage ${spec.name}: ${err.message}; retry ${attempt + 1} of ${spec.retries} for ${batch.where}`);
        if (!(await sleep(Math.min(200 * 2 ** attempt, 10_000), env.signal))) return { kind: 'interrupted' };
      }
    }
  }

  /**
   * Outputs larger than a destination's max.message.bytes are bad records, not a Kafka outage. With
   * --dlq, each one's input record goes to the DLQ in the batch's own transaction and the rest goes
   * on; without it (or when the output cannot be traced to one input, after --exec), the batch fails.
   */
  private setAsideTooLarge(outputs: PipeRecord[], inputs: PipeRecord[]): { outputs: PipeRecord[]; dead: DeadLetter[] } {
    const { spec, limits } = this;
    const limit = Math.min(...spec.to.map((t) => limits.get(t) ?? Infinity));
    const topic = spec.to.find((t) => limits.get(t) === limit);
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
    const dlqLimit = limits.get(spec.dlq) ?? Infinity;
    for (const [input, error] of dead) {
      const letter = deadLetterMessage(input, error);
      const size = aloneBytes({ key: letter.key as Buffer | null, value: letter.value as Buffer | null, headers: letter.headers as PipeRecord['headers'] });
      if (size > dlqLimit) throw new TooLargeError(`${error}, and as a dead letter it is ${size} bytes, more than the ${dlqLimit} bytes '${spec.dlq}' accepts`);
    }
    const bigSet = new Set(big);
    return { outputs: outputs.filter((r) => !bigSet.has(r)), dead: [...dead].map(([record, error]) => ({ record, error })) };
  }
}

/** Why a stage stops at a batch it could not process and has no DLQ for. */
export function notCommitted(spec: StageSpec, where: string, err: TransformError): KstreamError {
  const hint = err instanceof TooLargeError
    ? `make the output smaller, raise the topic's max.message.bytes (kstream topics alter … -c max.message.bytes=N), or pass --dlq TOPIC to set such records aside`
    : 'fix the transform and run again (it resumes from these records), or pass --dlq TOPIC to set failing batches aside';
  return new KstreamError(`stage ${spec.name}: ${err.message}; stopped at ${where}, not committed`, { exitCode: ExitCode.USAGE, hint });
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
