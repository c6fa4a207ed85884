import { UsageError } from '../errors.js';

/**
 * The JSON shape of one record, printed by `consume --output json` and read by
 * `produce --input json` and `pipeline --exec-format json`, so records copy losslessly.
 *
 *   {"topic":"t","partition":0,"offset":5,"timestamp":1700000000000,"key":"k","value":"v","headers":{"h":"x"}}
 *
 * key and value are UTF-8 text, or null. Bytes that are not valid UTF-8 are written in
 * base64 (or hex) and marked: "keyEncoding":"base64", "valueEncoding":"base64".
 * A header that repeats becomes an array of its values, in order. When any header value is not
 * UTF-8, every header value of the record is in base64, marked "headersEncoding":"base64".
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
  /** Set when a header value is not UTF-8: then every header value is in this encoding. */
  headersEncoding?: BinaryEncoding;
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
  const headers = encodeHeaders(record.headers, encoding === 'utf8' ? 'base64' : encoding);
  const env: Envelope = {
    topic: record.topic,
    partition: record.partition,
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    key: key.text,
    value: value.text,
    headers: headers.headers,
  };
  if (key.encoding) env.keyEncoding = key.encoding;
  if (value.encoding) env.valueEncoding = value.encoding;
  if (headers.encoding) env.headersEncoding = headers.encoding;
  return env;
}

/**
 * Header values as text when every one is UTF-8; else every one in `binary`, marked once for the
 * record (a reader then decodes them all the same way).
 */
export function encodeHeaders(headers: RawRecord['headers'], binary: BinaryEncoding): { headers: Record<string, string | string[]>; encoding?: BinaryEncoding } {
  const entries = Object.entries(headers ?? {}).flatMap(([name, raw]) => {
    if (raw === undefined) return [];
    return [[name, (Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8')))] as const];
  });
  const allText = entries.every(([, values]) => values.every((v) => encodeBytes(v).encoding === undefined));
  const out: Record<string, string | string[]> = {};
  for (const [name, values] of entries) {
    const texts = values.map((v) => v.toString(allText ? 'utf8' : binary));
    out[name] = texts.length === 1 ? texts[0]! : texts;
  }
  return allText ? { headers: out } : { headers: out, encoding: binary };
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

/** A header value as the Kafka layer sends it: text (UTF-8), or bytes. */
export type HeaderValue = string | Buffer;
export type Headers = Record<string, HeaderValue | HeaderValue[]>;

/** What a producer needs from one envelope line. */
export interface ParsedEnvelope {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Headers;
  partition?: number;
  timestamp?: string;
}

/** kstream's fields, and those of `kcat -J` (payload, ts, tstype, broker, flat header array). */
const FIELDS = new Set([
  'topic', 'partition', 'offset', 'timestamp', 'key', 'value', 'headers', 'keyEncoding', 'valueEncoding', 'headersEncoding',
  'payload', 'ts', 'tstype', 'broker', 'key_schema_id', 'payload_schema_id', 'key_error', 'payload_error',
  // What consume prints for decoded records; produce encodes with the schema it is given, not these.
  'keySchemaId', 'valueSchemaId', 'keySubject', 'valueSubject', 'value_schema_id',
]);
const SHOWN_FIELDS = 'key, value, headers, partition, timestamp, keyEncoding, valueEncoding, headersEncoding (or kcat -J\'s payload, ts, tstype)';

/**
 * Parses one `produce --input json` line; `where` names the line in errors (e.g. "line 12").
 * Both kstream's envelope and a line of `kcat -J` are accepted; any other field is an error,
 * so that a typo (`valeu`) is not sent as a null value.
 */
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
  const fail = (what: string): never => {
    throw new UsageError(`${where}: ${what}`);
  };
  for (const field of Object.keys(e)) {
    if (!FIELDS.has(field)) fail(`unknown field '${field}' (expected ${SHOWN_FIELDS})`);
  }
  if ('value' in e && 'payload' in e) fail('has both value and payload: give one');
  if ('timestamp' in e && 'ts' in e) fail('has both timestamp and ts: give one');
  for (const field of ['key_error', 'payload_error']) {
    if (e[field] !== undefined && e[field] !== null) fail(`kcat could not read this record's ${field.split('_')[0]} (${field}: ${JSON.stringify(e[field])})`);
  }
  const valueField = 'payload' in e ? 'payload' : 'value';
  const out: ParsedEnvelope = {
    key: bytesField(e, 'key', encodingField(e, 'keyEncoding', fail), fail),
    value: bytesField(e, valueField, encodingField(e, 'valueEncoding', fail), fail),
  };
  if (e.headers !== undefined && e.headers !== null) out.headers = parseHeaders(e.headers, encodingField(e, 'headersEncoding', fail), fail);
  if (e.partition !== undefined && e.partition !== null) {
    if (!Number.isInteger(e.partition) || (e.partition as number) < 0) fail('partition must be a whole number');
    out.partition = e.partition as number;
  }
  const timestamp = timestampField(e, fail);
  if (timestamp !== undefined) out.timestamp = timestamp;
  return out;
}

type Fail = (what: string) => never;

function encodingField(e: Record<string, unknown>, field: string, fail: Fail): BinaryEncoding | undefined {
  const v = e[field];
  if (v === undefined || v === null) return undefined;
  if (v === 'base64' || v === 'hex') return v;
  return fail(`${field} must be "base64" or "hex"`);
}

function bytesField(e: Record<string, unknown>, field: string, encoding: BinaryEncoding | undefined, fail: Fail): Buffer | null {
  const v = e[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') {
    if (encoding) fail(`${field} must be a ${encoding} string (${field}Encoding is "${encoding}")`);
    // A JSON value that is not a string is sent as its JSON text, so {"value":{"a":1}} works.
    return Buffer.from(JSON.stringify(v), 'utf8');
  }
  return encoding ? strictDecode(v, encoding, field, fail) : Buffer.from(v, 'utf8');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * Node's decoders skip what they cannot read ("@@@" decodes to nothing, hex "abc" to one byte):
 * text that is not exactly some bytes in the encoding is an error, not a guess.
 */
export function strictDecode(text: string, encoding: BinaryEncoding, field: string, fail: Fail): Buffer {
  if (encoding === 'hex') {
    if (!HEX.test(text)) fail(`${field} is not valid hex (an even number of the digits 0-9, a-f)`);
    return Buffer.from(text, 'hex');
  }
  const bytes = Buffer.from(text, 'base64');
  // Decoding and encoding again must give the text back (padding aside): that rejects stray
  // characters, a length no bytes have, and bits past the last byte.
  if (!BASE64.test(text) || bytes.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) {
    fail(`${field} is not valid base64`);
  }
  return bytes;
}

function timestampField(e: Record<string, unknown>, fail: Fail): string | undefined {
  const field = 'ts' in e ? 'ts' : 'timestamp';
  const v = e[field];
  if (v === undefined || v === null) return undefined;
  // kcat -J says "tstype":"unknown" (and ts 0 or -1) for a record without a timestamp.
  if (field === 'ts' && e.tstype === 'unknown') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) fail(`${field} must be a whole number of milliseconds since the epoch (got ${JSON.stringify(v)})`);
  return String(n);
}

/**
 * kstream's {"name":"v","twice":["1","2"]}, or kcat's flat ["name","v","twice","1","twice","2"].
 * With headersEncoding, each value is bytes in that encoding.
 */
function parseHeaders(raw: unknown, encoding: BinaryEncoding | undefined, fail: Fail): Headers {
  const value = (name: string, v: unknown): HeaderValue => {
    if (typeof v !== 'string') return fail(`header '${name}' must be a string${encoding ? ` in ${encoding}` : ''} (got ${JSON.stringify(v)})`);
    return encoding ? strictDecode(v, encoding, `header '${name}'`, fail) : v;
  };
  const out: Headers = {};
  if (Array.isArray(raw)) {
    if (raw.length % 2 !== 0) fail('headers as an array must be [name, value, name, value, …] (kcat -J\'s form)');
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      if (typeof name !== 'string') fail(`header name ${i / 2 + 1} must be a string (got ${JSON.stringify(name)})`);
      const v = value(name as string, raw[i + 1]);
      const had = out[name as string];
      out[name as string] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    }
    return out;
  }
  if (typeof raw !== 'object' || raw === null) return fail('headers must be an object of strings');
  for (const [name, v] of Object.entries(raw)) {
    if (Array.isArray(v)) {
      if (!v.every((x) => typeof x === 'string')) fail(`header '${name}' must be a string or an array of strings`);
      out[name] = v.map((x) => value(name, x));
    } else if (typeof v === 'string') {
      out[name] = value(name, v);
    } else {
      fail(`header '${name}' must be a string or an array of strings`);
    }
  }
  return out;
}
