import vm from 'node:vm';
import { UsageError } from '../../errors.js';
import { parseEnvelope } from '../../records/envelope.js';
import { joinLines, runExec, splitLines } from './exec.js';
import type { ExprThreads } from './expr-threads.js';
import { RecordView } from './expr-worker.js';
import { decodeText, envelopeLine, fromEnvelope, headerBytes, sameBytes, TransformError, type PipeHeaders, type PipeRecord } from './record.js';

export { TransformError };

export type ExecFormat = 'lines' | 'json';

/** One step of a stage, applied in order. */
export type TransformSpec =
  | { kind: 'map'; expr: string }
  | { kind: 'filter'; expr: string }
  | { kind: 'exec'; command: string; format: ExecFormat; timeoutMs: number };

/** A compiled step: a batch in, a batch out; throws to fail the batch. `signal` is aborted on Ctrl-C. */
export type Transform = (batch: PipeRecord[], signal?: AbortSignal) => Promise<PipeRecord[]>;

export interface TransformEnv {
  /** Where an --exec command's stderr goes. */
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Where --map and --filter run. */
  threads: ExprThreads;
  /** --map-timeout: the longest one expression may take over one batch (0: no limit). */
  mapTimeoutMs: number;
}

export function describeTransform(t: TransformSpec): string {
  return t.kind === 'exec' ? `exec:${t.command}` : `${t.kind}:${t.expr}`;
}

export function compileTransforms(specs: TransformSpec[], env: TransformEnv): Transform[] {
  return specs.map((spec) => {
    if (spec.kind === 'exec') return execTransform(spec.command, spec.format, spec.timeoutMs, env);
    compileExpression(spec.expr, `--${spec.kind}`);
    return spec.kind === 'map' ? mapTransform(spec.expr, env) : filterTransform(spec.expr, env);
  });
}

/** Runs every step in order over one micro-batch. */
export async function applyTransforms(transforms: Transform[], batch: PipeRecord[], signal?: AbortSignal): Promise<PipeRecord[]> {
  let current = batch;
  for (const t of transforms) {
    if (current.length === 0) break;
    current = await t(current, signal);
  }
  return current;
}

/** Checks that `expr` compiles, so a typo is a usage error at start; it runs in an expression thread. */
export function compileExpression(expr: string, flag: string): void {
  try {
    vm.compileFunction(`return (${expr}\n);`, ['r'], { parsingContext: vm.createContext({}) });
  } catch (err) {
    throw new UsageError(`${flag} '${expr}' is not a JavaScript expression: ${(err as Error).message}`, {
      hint: "write an expression over r, e.g. --map 'r.value.toUpperCase()' or --filter 'r.json.level !== \"debug\"'",
    });
  }
}

/** The `r` an expression sees for a record (the same view the expression thread builds). */
export function recordView(rec: PipeRecord): RecordView {
  const o = rec.origin;
  return new RecordView({ key: rec.key, value: rec.value, headers: rec.headers, topic: o?.topic, partition: o?.partition, offset: o?.offset, timestamp: o?.timestamp }, decodeText);
}

function filterTransform(expr: string, env: TransformEnv): Transform {
  return async (batch, signal) => {
    const { results } = await env.threads.evaluate('filter', expr, batch, { timeoutMs: env.mapTimeoutMs, signal });
    return batch.filter((_, i) => results[i] === true);
  };
}

function mapTransform(expr: string, env: TransformEnv): Transform {
  return async (batch, signal) => {
    const { results, same } = await env.threads.evaluate('map', expr, batch, { timeoutMs: env.mapTimeoutMs, signal });
    const out: PipeRecord[] = [];
    batch.forEach((rec, i) => {
      const mapped = same?.[i] ? rec : mapResult(results[i], rec, expr);
      if (mapped) out.push(mapped);
    });
    return out;
  };
}

/** A returned field as bytes; a string equal to what the expression was shown keeps the original bytes. */
function toBytes(v: unknown, original: Buffer | null): Buffer | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === 'string') return sameBytes(v, original);
  return Buffer.from(JSON.stringify(v), 'utf8');
}

/**
 * What --map may return: null/undefined drops the record; a string (or number, array, bytes) becomes
 * the value, keeping key and headers; an object with any of key/value/headers/partition replaces those.
 */
export function mapResult(result: unknown, input: PipeRecord, expr: string): PipeRecord | undefined {
  if (result === null || result === undefined) return undefined;
  const base: PipeRecord = { ...input, headers: { ...input.headers } };
  if (typeof result !== 'object' || Array.isArray(result) || result instanceof Uint8Array) return { ...base, value: toBytes(result, input.value) };
  const o = result as Record<string, unknown>;
  if (!['key', 'value', 'headers', 'partition'].some((f) => f in o)) return { ...base, value: toBytes(o, null) };
  if ('key' in o) base.key = toBytes(o.key, input.key);
  if ('value' in o) base.value = toBytes(o.value, input.value);
  if ('headers' in o) base.headers = headersOf(o.headers, input.headers, expr);
  if ('partition' in o && o.partition !== undefined && o.partition !== null) {
    if (!Number.isInteger(o.partition) || (o.partition as number) < 0) throw new TransformError(`'${expr}' returned a partition that is not a whole number`);
    base.partition = o.partition as number;
  }
  return base;
}

function headersOf(raw: unknown, input: PipeHeaders, expr: string): PipeHeaders {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new TransformError(`'${expr}' returned headers that are not an object`);
  const out: PipeHeaders = {};
  for (const [name, v] of Object.entries(raw)) {
    const before = input[name];
    const one = (x: unknown, original: Buffer | undefined) =>
      typeof x === 'string' ? sameBytes(x, original) : x instanceof Uint8Array ? headerBytes(x) as Buffer : Buffer.from(String(x), 'utf8');
    out[name] = Array.isArray(v)
      ? v.map((x, i) => one(x, Array.isArray(before) ? before[i] : undefined))
      : one(v, Array.isArray(before) ? undefined : before);
  }
  return out;
}

function execTransform(command: string, format: ExecFormat, timeoutMs: number, env: TransformEnv): Transform {
  return async (batch, signal) => {
    const input = format === 'json' ? joinLines(batch.map((r) => Buffer.from(envelopeLine(r), 'utf8'))) : joinLines(batch.map((r) => r.value));
    const output = splitLines(await runExec(command, input, { timeoutMs, stderr: env.stderr, env: env.env, signal }));
    return output.map((line, i) => (format === 'json'
      ? fromEnvelope(parseOutputLine(line.toString('utf8'), i, command))
      : { key: null, value: Buffer.from(line), headers: {} }));
  };
}

function parseOutputLine(line: string, index: number, command: string) {
  try {
    return parseEnvelope(line, `line ${index + 1} of the output of '${command}'`);
  } catch (err) {
    throw new TransformError((err as Error).message);
  }
}
