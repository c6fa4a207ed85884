import { Worker } from 'node:worker_threads';
import { exprThreadSource, type EvalReply, type WireBatch } from './expr-worker.js';
import { StopRequested, TransformError, type PipeRecord } from './record.js';

export interface EvalOptions {
  /** 0 means no limit. */
  timeoutMs: number;
  /** Aborted on Ctrl-C: the thread is terminated and the batch abandoned. */
  signal?: AbortSignal;
}

/**
 * Runs --map and --filter expressions in worker threads, a whole batch per message. A thread can be
 * terminated, which a loop in the main thread (or in node:vm) cannot be: that is what makes
 * --map-timeout and Ctrl-C work on a runaway expression. One thread per batch in flight
 * (--parallel workers evaluate at the same time); idle threads are kept for the next batch.
 *
 * This is not a sandbox: an expression can reach the thread's `process` (for instance through
 * `this.constructor.constructor`), and with it what kstream may do. Expressions are trusted code,
 * like an --exec command.
 */
export class ExprThreads {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private nextId = 0;

  /**
   * The expression's result for each record (for a filter, whether to keep it); for a map, `same`
   * marks the records whose result was their own `r.value` (see EvalReply).
   */
  async evaluate(kind: 'map' | 'filter', expr: string, records: PipeRecord[], opts: EvalOptions): Promise<{ results: unknown[]; same?: Uint8Array }> {
    if (opts.signal?.aborted) throw new StopRequested('stopping');
    const thread = this.idle.pop() ?? this.spawn();
    thread.ref();
    const id = this.nextId++;
    const { wire, transfer } = toWire(records);
    const reply = await new Promise<EvalReply>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        thread.off('message', onMessage);
        thread.off('error', onError);
        thread.off('exit', onExit);
      };
      const fail = (err: Error) => {
        cleanup();
        this.discard(thread);
        reject(err);
      };
      const onMessage = (m: EvalReply) => {
        if (m.id !== id) return;
        cleanup();
        resolve(m);
      };
      const onError = (err: Error) => fail(new TransformError(`'${expr}' failed its thread: ${err.message}`));
      const onExit = (code: number) => fail(new TransformError(`'${expr}' ended its thread (exit code ${code})`));
      const onAbort = () => fail(new StopRequested('stopping'));
      const timer = opts.timeoutMs > 0
        ? setTimeout(() => fail(new TransformError(`'${expr}' did not finish a batch of ${records.length} records within ${opts.timeoutMs}ms (--map-timeout)`)), opts.timeoutMs)
        : undefined;
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      thread.on('message', onMessage);
      thread.on('error', onError);
      thread.on('exit', onExit);
      thread.postMessage({ id, kind, expr, batch: wire }, transfer);
    });
    this.release(thread);
    if ('error' in reply) {
      const o = records[reply.index]?.origin;
      const at = o ? ` at ${o.topic}/${o.partition}@${o.offset}` : '';
      throw new TransformError(reply.index === -1 ? `'${expr}' ${reply.error}` : `'${expr}' threw${at}: ${reply.error}`);
    }
    return { results: reply.results, same: reply.same };
  }

  async close(): Promise<void> {
    const threads = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(threads.map((t) => t.terminate()));
  }

  private spawn(): Worker {
    const thread = new Worker(exprThreadSource, { eval: true, stdout: false, stderr: false });
    this.all.add(thread);
    return thread;
  }

  private release(thread: Worker): void {
    // An idle thread must not keep kstream running if nobody closes the pool.
    thread.unref();
    if (this.all.has(thread)) this.idle.push(thread);
  }

  private discard(thread: Worker): void {
    this.all.delete(thread);
    void thread.terminate();
  }
}

/**
 * The batch as a few flat arrays and one buffer that is moved (not copied) to the thread. The
 * structured clone of an object per record (with a typed-array view per key and value) cost more
 * than the expression itself; numbers in typed arrays and one transferred buffer cost almost nothing.
 */
export function toWire(records: PipeRecord[]): { wire: WireBatch; transfer: ArrayBuffer[] } {
  const n = records.length;
  let total = 0;
  for (const r of records) {
    total += (r.key?.length ?? 0) + (r.value?.length ?? 0);
    for (const name in r.headers) {
      const v = r.headers[name]!;
      for (const b of Array.isArray(v) ? v : [v]) total += b.length;
    }
  }
  const bytes = new Uint8Array(new ArrayBuffer(total));
  const ranges = new Int32Array(n * 4);
  const partitions = new Int32Array(n);
  const offsets = new Float64Array(n);
  const timestamps = new Float64Array(n);
  const topicIndex = new Int32Array(n);
  const topics: string[] = [];
  const headers: WireBatch['headers'] = [];
  let at = 0;
  const put = (b: Buffer): [number, number] => {
    if (b.length <= 64) for (let j = 0; j < b.length; j++) bytes[at + j] = b[j]!;
    else bytes.set(b, at);
    at += b.length;
    return [at - b.length, at];
  };
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const k = r.key ? put(r.key) : [-1, -1];
    const v = r.value ? put(r.value) : [-1, -1];
    ranges[i * 4] = k[0];
    ranges[i * 4 + 1] = k[1];
    ranges[i * 4 + 2] = v[0];
    ranges[i * 4 + 3] = v[1];
    let named: Record<string, [number, number] | Array<[number, number]>> | undefined;
    for (const name in r.headers) {
      const h = r.headers[name]!;
      (named ??= {})[name] = Array.isArray(h) ? h.map(put) : put(h);
    }
    if (named) headers.push([i, named]);
    const o = r.origin;
    if (!o) {
      topicIndex[i] = -1;
      continue;
    }
    let t = topics.length > 0 && topics[topics.length - 1] === o.topic ? topics.length - 1 : topics.indexOf(o.topic);
    if (t < 0) t = topics.push(o.topic) - 1;
    topicIndex[i] = t;
    partitions[i] = o.partition;
    offsets[i] = Number(o.offset);
    timestamps[i] = Number(o.timestamp);
  }
  const wire: WireBatch = { bytes, ranges, topics, topicIndex, partitions, offsets, timestamps, headers };
  return { wire, transfer: [bytes.buffer as ArrayBuffer, ranges.buffer, topicIndex.buffer, partitions.buffer, offsets.buffer, timestamps.buffer] };
}
