/**
 * The code of the expression thread. It is started from its source text (`Worker(…, {eval: true})`),
 * so everything here may use only globals and what the thread's source hands it: no imports, and no
 * require() either (a bundler rewrites those calls to a helper the thread does not have). That keeps
 * one copy of the code for the bundled CLI and for tests that run the TypeScript sources.
 */

/** A record as it crosses to the thread: bytes as views of one transferred buffer. */
export interface WireRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Record<string, Uint8Array | Uint8Array[]>;
  topic?: string;
  partition?: number;
  offset?: string;
  timestamp?: string;
}

/**
 * The `r` an expression sees: text fields (invalid UTF-8 shows as U+FFFD), the same fields as bytes
 * (`bytes`, `keyBytes`, `headerBytes`: Uint8Array), numbers, and `json` parsed on first use.
 */
export class RecordView {
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string | string[]>;
  readonly keyBytes: Uint8Array | null;
  readonly bytes: Uint8Array | null;
  readonly headerBytes: Record<string, Uint8Array | Uint8Array[]>;
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: number;
  readonly timestamp?: number;
  #json?: { parsed: unknown };

  constructor(rec: WireRecord, decode: (b: Uint8Array) => string) {
    this.keyBytes = rec.key;
    this.bytes = rec.value;
    this.headerBytes = rec.headers;
    this.key = rec.key === null ? null : decode(rec.key);
    this.value = rec.value === null ? null : decode(rec.value);
    this.headers = {};
    for (const [name, v] of Object.entries(rec.headers)) this.headers[name] = Array.isArray(v) ? v.map(decode) : decode(v);
    this.topic = rec.topic;
    this.partition = rec.partition;
    this.offset = rec.offset === undefined ? undefined : Number(rec.offset);
    this.timestamp = rec.timestamp === undefined ? undefined : Number(rec.timestamp);
  }

  /** The value parsed as JSON, or undefined when it is not JSON. */
  get json(): unknown {
    if (!this.#json) {
      try {
        this.#json = { parsed: this.value === null ? undefined : JSON.parse(this.value) };
      } catch {
        this.#json = { parsed: undefined };
      }
    }
    return this.#json.parsed;
  }
}

/**
 * A batch as it crosses to the thread (toWire): keys, values and header values are [start, end)
 * ranges of `bytes` (-1 for null), four per record in `ranges`; the origin of record i is
 * topics[topicIndex[i]] (-1: none), partitions[i], offsets[i], timestamps[i]; `headers` lists only
 * the records that have any, as [index, {name: range or ranges}].
 */
export interface WireBatch {
  bytes: Uint8Array;
  ranges: Int32Array;
  topics: string[];
  topicIndex: Int32Array;
  partitions: Int32Array;
  offsets: Float64Array;
  timestamps: Float64Array;
  headers: Array<[number, Record<string, [number, number] | Array<[number, number]>>]>;
}

export interface EvalRequest {
  id: number;
  kind: 'map' | 'filter';
  expr: string;
  batch: WireBatch;
}

/** Record `i` of a wire batch, its bytes as views of the batch's buffer. */
export function wireRecord(b: WireBatch, i: number, headers: Record<string, [number, number] | Array<[number, number]>> | undefined): WireRecord {
  const view = (r: [number, number]) => b.bytes.subarray(r[0], r[1]);
  const k = b.ranges[i * 4]!;
  const v = b.ranges[i * 4 + 2]!;
  const rec: WireRecord = {
    key: k < 0 ? null : b.bytes.subarray(k, b.ranges[i * 4 + 1]),
    value: v < 0 ? null : b.bytes.subarray(v, b.ranges[i * 4 + 3]),
    headers: {},
  };
  if (headers) for (const name in headers) {
    const h = headers[name]!;
    rec.headers[name] = typeof h[0] === 'number' ? view(h as [number, number]) : (h as Array<[number, number]>).map(view);
  }
  const t = b.topicIndex[i]!;
  if (t >= 0) {
    rec.topic = b.topics[t];
    rec.partition = b.partitions[i];
    rec.offset = String(b.offsets[i]);
    rec.timestamp = String(b.timestamps[i]);
  }
  return rec;
}

/**
 * `same[i]` is 1 when a map returned exactly the `r.value` string it was shown: the record is then
 * unchanged (its original bytes, whatever they are) and no copy of the string comes back.
 */
export type EvalReply = { id: number; results: unknown[]; same?: Uint8Array } | { id: number; error: string; index: number };

/** The Node modules the thread uses, required by its source text (exprThreadSource). */
interface ThreadModules {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  parentPort: any;
  vm: typeof import('node:vm');
}

/** The thread's main loop: compile each expression once, evaluate a whole batch per message. */
export function exprThreadMain(View: typeof RecordView, toRecord: typeof wireRecord, { parentPort, vm }: ThreadModules): void {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const decode = (b: Uint8Array) => decoder.decode(b);
  const compiled = new Map<string, (r: unknown) => unknown>();
  const compile = (expr: string) => {
    let fn = compiled.get(expr);
    if (!fn) {
      fn = vm.compileFunction(`return (${expr}\n);`, ['r'], { parsingContext: vm.createContext({}) }) as (r: unknown) => unknown;
      compiled.set(expr, fn);
    }
    return fn;
  };
  const message = (err: unknown) => String((err as Error)?.message ?? err);
  parentPort.on('message', (req: EvalRequest) => {
    const n = req.batch.topicIndex.length;
    const results = new Array<unknown>(n);
    const same = new Uint8Array(n);
    const headers = new Map(req.batch.headers);
    let i = -1;
    try {
      const fn = compile(req.expr);
      for (i = 0; i < n; i++) {
        const view = new View(toRecord(req.batch, i, headers.get(i)), decode);
        const out = fn(view);
        if (req.kind === 'filter') results[i] = Boolean(out);
        else if (typeof out === 'string' && out === view.value) same[i] = 1;
        else results[i] = out;
      }
    } catch (err) {
      parentPort.postMessage({ id: req.id, error: message(err), index: i });
      return;
    }
    try {
      parentPort.postMessage({ id: req.id, results, same }, [same.buffer]);
    } catch (err) {
      parentPort.postMessage({ id: req.id, error: `returned something that is not data (${message(err)})`, index: -1 });
    }
  });
}

/** The source text the thread is started from. */
// Each part bound to a name of its own: a bundler may turn `class RecordView` into
// `var RecordView = class {…}`, whose text alone is an anonymous class, not a declaration.
export const exprThreadSource = [
  `const RecordView = ${RecordView.toString()};`,
  `const wireRecord = ${wireRecord.toString()};`,
  `(${exprThreadMain.toString()})(RecordView, wireRecord, { parentPort: require('node:worker_threads').parentPort, vm: require('node:vm') });`,
  '',
].join('\n');
