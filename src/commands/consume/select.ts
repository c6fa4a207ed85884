// Which records consume prints: --key, --grep/--grep-key/--grep-header and --filter, all of which must
// hold. --filter runs the pipeline's expressions (pipeline/expr-threads.ts) over a whole batch in an
// expression thread, with the same `r`; the other tests run here, on the record's bytes.
import { ExitCode, KstreamError, UsageError } from '../../errors.js';
import { ExprThreads } from '../pipeline/expr-threads.js';
import { headersFrom, StopRequested, TransformError, type PipeRecord } from '../pipeline/record.js';
import { compileExpression } from '../pipeline/transforms.js';
import type { ConsumedRecord } from './format.js';

export interface SelectOptions {
  /** --key: the key's exact bytes. */
  key?: Buffer;
  /** --grep on the value, --grep-key on the key (as UTF-8 text). */
  grep?: RegExp;
  grepKey?: RegExp;
  /** --grep-header NAME=REGEX: a header NAME with a value that matches. */
  grepHeaders: Array<{ name: string; pattern: RegExp }>;
  /** --filter expressions over `r`. */
  filters: string[];
}

const REGEX_HINT = 'a JavaScript regular expression, e.g. "timeout|refused", or /error/i for flags';

/** `text` as a RegExp: a plain pattern, or /pattern/flags. */
export function parseRegex(text: string, flag: string): RegExp {
  const slashed = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
  try {
    // A stateful (g, y) RegExp would skip matches between records.
    return slashed ? new RegExp(slashed[1]!, slashed[2]!.replace(/[gy]/g, '')) : new RegExp(text);
  } catch (err) {
    throw new UsageError(`${flag} '${text}' is not a regular expression: ${(err as Error).message}`, { hint: REGEX_HINT });
  }
}

/** `NAME=REGEX` of --grep-header. */
export function parseHeaderGrep(text: string): { name: string; pattern: RegExp } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--grep-header '${text}' is not NAME=REGEX`, { hint: 'e.g. --grep-header trace=^abc, or --grep-header source=. for any value' });
  return { name: text.slice(0, eq), pattern: parseRegex(text.slice(eq + 1), '--grep-header') };
}

/** True when any option selects records: the run must then look at each record before printing it. */
export function selects(o: SelectOptions): boolean {
  return o.key !== undefined || o.grep !== undefined || o.grepKey !== undefined || o.grepHeaders.length > 0 || o.filters.length > 0;
}

const text = (b: Buffer | null | undefined): string | undefined => (b === null || b === undefined ? undefined : b.toString('utf8'));

function headerValues(record: ConsumedRecord, name: string): string[] {
  const raw = record.headers?.[name];
  if (raw === undefined || raw === null) return [];
  return (Array.isArray(raw) ? raw : [raw]).map((v) => (v === null || v === undefined ? 'null' : Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

/** Decides, batch by batch, which records are printed. */
export class RecordSelector {
  private threads?: ExprThreads;

  constructor(private readonly o: SelectOptions, private readonly signal?: AbortSignal) {
    for (const f of o.filters) compileExpression(f, '--filter');
  }

  /** keep[i] says whether records[i] is printed. */
  async select(records: ConsumedRecord[]): Promise<boolean[]> {
    const keep = records.map((r) => this.test(r));
    for (const expr of this.o.filters) {
      const candidates = records.filter((_, i) => keep[i]);
      if (candidates.length === 0) break;
      const results = await this.evaluate(expr, candidates.map(toPipeRecord));
      let j = 0;
      for (let i = 0; i < keep.length; i++) if (keep[i]) keep[i] = results[j++] === true;
    }
    return keep;
  }

  async close(): Promise<void> {
    await this.threads?.close();
  }

  private test(r: ConsumedRecord): boolean {
    const { key, grep, grepKey, grepHeaders } = this.o;
    if (key !== undefined && !(r.key && key.equals(r.key))) return false;
    if (grep && !grep.test(text(r.value) ?? '')) return false;
    if (grepKey && !grepKey.test(text(r.key) ?? '')) return false;
    return grepHeaders.every(({ name, pattern }) => headerValues(r, name).some((v) => pattern.test(v)));
  }

  private async evaluate(expr: string, batch: PipeRecord[]): Promise<unknown[]> {
    this.threads ??= new ExprThreads();
    try {
      return (await this.threads.evaluate('filter', expr, batch, { timeoutMs: 0, signal: this.signal })).results;
    } catch (err) {
      if (err instanceof StopRequested) return batch.map(() => false);
      if (err instanceof TransformError) throw new KstreamError(`--filter ${err.message}`, { exitCode: ExitCode.USAGE, hint: "guard the expression, e.g. r.json?.level === 'error'" });
      throw err;
    }
  }
}

function toPipeRecord(r: ConsumedRecord): PipeRecord {
  return {
    key: r.key ?? null,
    value: r.value ?? null,
    headers: headersFrom(r.headers as Record<string, unknown> | undefined),
    origin: { topic: r.topic, partition: r.partition, offset: String(r.offset), timestamp: String(r.timestamp) },
  };
}
