import { Worker } from 'node:worker_threads';
import { exprThreadSource, type EvalReply, type WireRecord } from './expr-worker.js';
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
    const { wire, buffer } = toWire(records);
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
      thread.postMessage({ id, kind, expr, records: wire }, [buffer]);
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

/** Copies the batch's bytes into one buffer that is moved (not copied) to the thread. */
function toWire(records: PipeRecord[]): { wire: WireRecord[]; buffer: ArrayBuffer } {
  let total = 0;
  for (const r of records) {
    total += (r.key?.length ?? 0) + (r.value?.length ?? 0);
    for (const v of Object.values(r.headers)) for (const b of Array.isArray(v) ? v : [v]) total += b.length;
  }
  const buffer = new ArrayBuffer(total);
  const bytes = new Uint8Array(buffer);
  let at = 0;
  const put = (b: Buffer): Uint8Array => {
    bytes.set(b, at);
    at += b.length;
    return bytes.subarray(at - b.length, at);
  };
  const wire = records.map((r): WireRecord => {
    const headers: WireRecord['headers'] = {};
    for (const [name, v] of Object.entries(r.headers)) headers[name] = Array.isArray(v) ? v.map(put) : put(v);
    const w: WireRecord = { key: r.key ? put(r.key) : null, value: r.value ? put(r.value) : null, headers };
    if (r.origin) Object.assign(w, { topic: r.origin.topic, partition: r.origin.partition, offset: r.origin.offset, timestamp: r.origin.timestamp });
    return w;
  });
  return { wire, buffer };
}
