import { UsageError } from '../errors.js';

/**
 * The JSON shape of one record, printed by `consume --output json` and read by
 * `produce --input json` and `pipeline --exec-format json`, so records copy losslessly.
 *
 *   {"topic":"t","partition":0,"offset":5,"timestamp":1700000000000,"key":"k","value":"v","headers":{"h":"x"}}
 *
 * key and value are UTF-8 text, or null. Bytes that are not valid UTF-8 are written in
 * base64 (or hex) and marked: "keyEncoding":"base64", "valueEncoding":"base64".
 * A header that repeats becomes an array of its values, in order.
 */
export interface Envelope {
  topic?: string;
  partition?: number;
  offset?: number;
  timestamp?: number;
  key: string | null;
  value: string | null;
  headers?: Record<string, string | string[]>;
  keyEncoding?: BinaryEncoding;
  valueEncoding?: BinaryEncoding;
}

export type BinaryEncoding = 'base64' | 'hex';
/** How to show bytes: utf8 falls back to base64 for invalid UTF-8; base64 and hex always encode. */
export type ValueEncoding = 'utf8' | BinaryEncoding;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text: UTF-8 when valid (and `prefer` is utf8), else the binary encoding and its marker. */
export function encodeBytes(bytes: Buffer | null | undefined, prefer: ValueEncoding = 'utf8'): { text: string | null; encoding?: BinaryEncoding } {
  if (bytes === null || bytes === undefined) return { text: null };
  if (prefer === 'utf8') {
    try {
      return { text: decoder.decode(bytes) };
    } catch {
      return { text: bytes.toString('base64'), encoding: 'base64' };
    }
  }
  return { text: bytes.toString(prefer), encoding: prefer };
}

export function decodeBytes(text: string | null | undefined, encoding: BinaryEncoding | undefined): Buffer | null {
  if (text === null || text === undefined) return null;
  return encoding ? Buffer.from(text, encoding) : Buffer.from(text, 'utf8');
}

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string | number;
  timestamp: string | number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export function toEnvelope(record: RawRecord, encoding: ValueEncoding = 'utf8'): Envelope {
  const key = encodeBytes(record.key, encoding);
  const value = encodeBytes(record.value, encoding);
  const env: Envelope = {
    topic: record.topic,
    partition: record.partition,
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    key: key.text,
    value: value.text,
    headers: headersToJson(record.headers),
  };
  if (key.encoding) env.keyEncoding = key.encoding;
  if (value.encoding) env.valueEncoding = value.encoding;
  return env;
}

export function headersToJson(headers: RawRecord['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (raw === undefined) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
    out[name] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/** What a producer needs from one envelope line. */
export interface ParsedEnvelope {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string | string[]>;
  partition?: number;
  timestamp?: string;
}

/** Parses one `produce --input json` line; `where` names the line in errors (e.g. "line 12"). */
export function parseEnvelope(line: string, where: string): ParsedEnvelope {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (err) {
    throw new UsageError(`${where} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${where} must be a JSON object like {"key":"k","value":"v"}`);
  }
  const e = data as Record<string, unknown>;
  const text = (field: string): string | null => {
    const v = e[field];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    // A JSON value that is not a string is sent as its JSON text, so {"value":{"a":1}} works.
    return JSON.stringify(v);
  };
  const encoding = (field: string): BinaryEncoding | undefined => {
    const v = e[field];
    if (v === undefined) return undefined;
    if (v === 'base64' || v === 'hex') return v;
    throw new UsageError(`${where}: ${field} must be "base64" or "hex"`);
  };
  const out: ParsedEnvelope = {
    key: decodeBytes(text('key'), encoding('keyEncoding')),
    value: decodeBytes(text('value'), encoding('valueEncoding')),
  };
  if (e.headers !== undefined && e.headers !== null) out.headers = parseHeaders(e.headers, where);
  if (e.partition !== undefined && e.partition !== null) {
    if (!Number.isInteger(e.partition) || (e.partition as number) < 0) throw new UsageError(`${where}: partition must be a whole number`);
    out.partition = e.partition as number;
  }
  if (e.timestamp !== undefined && e.timestamp !== null) {
    const ts = Number(e.timestamp);
    if (!Number.isFinite(ts) || ts < 0) throw new UsageError(`${where}: timestamp must be milliseconds since the epoch`);
    out.timestamp = String(Math.trunc(ts));
  }
  return out;
}

function parseHeaders(raw: unknown, where: string): Record<string, string | string[]> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${where}: headers must be an object of strings`);
  const out: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(raw)) {
    if (typeof v === 'string') out[name] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[name] = v as string[];
    else throw new UsageError(`${where}: header '${name}' must be a string or an array of strings`);
  }
  return out;
}
