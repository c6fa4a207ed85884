import vm from 'node:vm';
import { UsageError } from '../../errors.js';
import { parseEnvelope } from '../../records/envelope.js';
import { runExec } from './exec.js';
import { envelopeLine, fromEnvelope, TransformError, type PipeRecord } from './record.js';

export { TransformError };

export type ExecFormat = 'lines' | 'json';

/** One step of a stage, applied in order. */
export type TransformSpec =
  | { kind: 'map'; expr: string }
  | { kind: 'filter'; expr: string }
  | { kind: 'exec'; command: string; format: ExecFormat; timeoutMs: number };

/** A compiled step: a batch in, a batch out; throws to fail the batch. */
export type Transform = (batch: PipeRecord[]) => Promise<PipeRecord[]>;

export interface TransformEnv {
  /** Where an --exec command's stderr goes. */
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export function describeTransform(t: TransformSpec): string {
  return t.kind === 'exec' ? `exec:${t.command}` : `${t.kind}:${t.expr}`;
}

export function compileTransforms(specs: TransformSpec[], env: TransformEnv): Transform[] {
  return specs.map((spec) => {
    if (spec.kind === 'exec') return execTransform(spec.command, spec.format, spec.timeoutMs, env);
    const fn = compileExpression(spec.expr, `--${spec.kind}`);
    return spec.kind === 'map' ? mapTransform(fn, spec.expr) : filterTransform(fn, spec.expr);
  });
}

/** Runs every step in order over one micro-batch. */
export async function applyTransforms(transforms: Transform[], batch: PipeRecord[]): Promise<PipeRecord[]> {
  let current = batch;
  for (const t of transforms) {
    if (current.length === 0) break;
    current = await t(current);
  }
  return current;
}

type Compiled = (r: unknown) => unknown;

/** Compiles `expr` once, in its own context: no access to require, process or the file system. */
export function compileExpression(expr: string, flag: string): Compiled {
  const context = vm.createContext({});
  try {
    return vm.compileFunction(`return (${expr}\n);`, ['r'], { parsingContext: context }) as Compiled;
  } catch (err) {
    throw new UsageError(`${flag} '${expr}' is not a JavaScript expression: ${(err as Error).message}`, {
      hint: "write an expression over r, e.g. --map 'r.value.toUpperCase()' or --filter 'r.json.level !== \"debug\"'",
    });
  }
}

/** The `r` an expression sees: text fields, numbers, and `json` parsed on first use. */
class RecordView {
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string | string[]>;
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: number;
  readonly timestamp?: number;
  #json?: { parsed: unknown };

  constructor(rec: PipeRecord) {
    this.key = rec.key === null ? null : rec.key.toString('utf8');
    this.value = rec.value === null ? null : rec.value.toString('utf8');
    this.headers = { ...rec.headers };
    this.topic = rec.origin?.topic;
    this.partition = rec.origin?.partition;
    this.offset = rec.origin ? Number(rec.origin.offset) : undefined;
    this.timestamp = rec.origin ? Number(rec.origin.timestamp) : undefined;
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

export function recordView(rec: PipeRecord): RecordView {
  return new RecordView(rec);
}

function evaluate(fn: Compiled, rec: PipeRecord, expr: string): unknown {
  try {
    return fn(recordView(rec));
  } catch (err) {
    const at = rec.origin ? ` at ${rec.origin.topic}/${rec.origin.partition}@${rec.origin.offset}` : '';
    throw new TransformError(`'${expr}' threw${at}: ${(err as Error)?.message ?? err}`);
  }
}

function filterTransform(fn: Compiled, expr: string): Transform {
  return async (batch) => batch.filter((rec) => Boolean(evaluate(fn, rec, expr)));
}

function mapTransform(fn: Compiled, expr: string): Transform {
  return async (batch) => {
    const out: PipeRecord[] = [];
    for (const rec of batch) {
      const mapped = mapResult(evaluate(fn, rec, expr), rec, expr);
      if (mapped) out.push(mapped);
    }
    return out;
  };
}

const toBytes = (v: unknown): Buffer | null =>
  v === null || v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');

/**
 * What --map may return: null/undefined drops the record; a string (or number, array) becomes the
 * value, keeping key and headers; an object with any of key/value/headers/partition replaces those.
 */
export function mapResult(result: unknown, input: PipeRecord, expr: string): PipeRecord | undefined {
  if (result === null || result === undefined) return undefined;
  const base: PipeRecord = { ...input, headers: { ...input.headers } };
  if (typeof result !== 'object' || Array.isArray(result) || Buffer.isBuffer(result)) return { ...base, value: toBytes(result) };
  const o = result as Record<string, unknown>;
  if (!['key', 'value', 'headers', 'partition'].some((f) => f in o)) return { ...base, value: toBytes(o) };
  if ('key' in o) base.key = toBytes(o.key);
  if ('value' in o) base.value = toBytes(o.value);
  if ('headers' in o) base.headers = headersOf(o.headers, expr);
  if ('partition' in o && o.partition !== undefined && o.partition !== null) {
    if (!Number.isInteger(o.partition) || (o.partition as number) < 0) throw new TransformError(`'${expr}' returned a partition that is not a whole number`);
    base.partition = o.partition as number;
  }
  return base;
}

function headersOf(raw: unknown, expr: string): Record<string, string | string[]> {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new TransformError(`'${expr}' returned headers that are not an object`);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = Array.isArray(v) ? v.map(String) : String(v);
  return out;
}

function execTransform(command: string, format: ExecFormat, timeoutMs: number, env: TransformEnv): Transform {
  return async (batch) => {
    const lines = batch.map((r) => (format === 'json' ? envelopeLine(r) : (r.value?.toString('utf8') ?? '')));
    const output = await runExec(command, lines, { timeoutMs, stderr: env.stderr, env: env.env });
    return output.map((line, i) => (format === 'json' ? fromEnvelope(parseOutputLine(line, i, command)) : { key: null, value: Buffer.from(line, 'utf8'), headers: {} }));
  };
}

function parseOutputLine(line: string, index: number, command: string) {
  try {
    return parseEnvelope(line, `line ${index + 1} of the output of '${command}'`);
  } catch (err) {
    throw new TransformError((err as Error).message);
  }
}
