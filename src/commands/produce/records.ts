import { UsageError } from '../../errors.js';
import { parseEnvelope } from '../../records/envelope.js';
import type { LineFormat, ProduceOptions } from './options.js';

/** One record as kafkajs takes it, before a partition is chosen. */
export interface OutRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string | string[]>;
  partition?: number;
  timestamp?: string;
}

/** Turns one input record into a Kafka record; `where` names it in errors ("line 12"). */
export type RecordParser = (line: Buffer, where: () => string) => OutRecord;

export function recordParser(opts: Pick<ProduceOptions, 'input' | 'key' | 'headers' | 'partition' | 'nullValue' | 'lineFormat'>): RecordParser {
  const headers = Object.keys(opts.headers).length > 0 ? opts.headers : undefined;
  const partition = opts.partition;
  if (opts.lineFormat) return kafkaLineParser(opts.lineFormat, headers, partition);
  if (opts.input === 'json') {
    return (line, where) => {
      const e = parseEnvelope(line.toString('utf8'), where());
      return {
        key: e.key,
        value: e.value,
        // Headers from --header go on every record; a line's own header of the same name wins.
        headers: headers || e.headers ? { ...headers, ...e.headers } : undefined,
        partition: e.partition ?? partition,
        timestamp: e.timestamp,
      };
    };
  }
  const nullValue = opts.nullValue;
  const valueOf = (bytes: Buffer) => (nullValue && bytes.equals(nullValue) ? null : bytes);
  const key = opts.key;
  switch (key.kind) {
    case 'none':
      return (line) => ({ key: null, value: valueOf(line), headers, partition });
    case 'fixed':
      return (line) => ({ key: key.key, value: valueOf(line), headers, partition });
    case 'separator': {
      const sep = key.separator;
      return (line, where) => {
        const at = line.indexOf(sep);
        if (at === -1) {
          if (key.allowMissing) return { key: null, value: valueOf(line), headers, partition };
          throw new UsageError(`${where()} has no key separator '${printable(key.text)}'`, {
            hint: 'fix the line, or pass --allow-missing-key to send such lines with a null key',
          });
        }
        return { key: line.subarray(0, at), value: valueOf(line.subarray(at + sep.length)), headers, partition };
      };
    }
  }
}

/**
 * kafka-console-producer's LineMessageReader: `headers DELIM key SEP value`, each part optional by
 * property, a part equal to null.marker sent as null. The line is read as UTF-8 text, as Kafka does.
 */
function kafkaLineParser(f: LineFormat, fixed: OutRecord['headers'], partition: number | undefined): RecordParser {
  const part = (line: string, from: number, sep: string, what: string, where: () => string): string | undefined => {
    const at = line.indexOf(sep, from);
    if (at !== -1) return line.slice(from, at);
    if (f.ignoreError) return undefined;
    throw new UsageError(`${where()} has no ${what} '${printable(sep)}'`, { hint: 'fix the line, or pass --property ignore.error=true' });
  };
  const orNull = (text: string | undefined) => (text === undefined || text === f.nullMarker ? null : Buffer.from(text));
  return (bytes, where) => {
    const line = bytes.toString('utf8');
    const head = f.headers ? part(line, 0, f.headers.delimiter, 'headers delimiter', where) : undefined;
    const headAt = head === undefined ? 0 : head.length + f.headers!.delimiter.length;
    const key = f.parseKey ? part(line, headAt, f.keySeparator, 'key separator', where) : undefined;
    const keyAt = key === undefined ? 0 : key.length + f.keySeparator.length;
    const parsed = head === undefined || head === f.nullMarker ? undefined : splitHeaders(head, f, where);
    return {
      key: orNull(key),
      value: orNull(line.slice(headAt + keyAt)),
      headers: fixed || parsed ? { ...fixed, ...parsed } : undefined,
      partition,
    };
  };
}

function splitHeaders(text: string, f: LineFormat, where: () => string): NonNullable<OutRecord['headers']> {
  const out: Record<string, string[]> = {};
  const sep = f.headers!.keySeparator;
  for (const pair of text.split(f.headers!.separator)) {
    const at = pair.indexOf(sep);
    if (at === -1 && !f.ignoreError) {
      throw new UsageError(`${where()}: header '${pair}' has no header key separator '${printable(sep)}'`, { hint: 'write name:value, or pass --property ignore.error=true' });
    }
    const name = at === -1 ? pair : pair.slice(0, at);
    if (name === f.nullMarker) throw new UsageError(`${where()}: a header name equals the null marker '${f.nullMarker}'; header names cannot be null`);
    const value = at === -1 ? '' : pair.slice(at + sep.length);
    // Kafka's reader sends a null header value here; kafkajs cannot encode one, and an empty value
    // in its place would change the data: so refuse it.
    if (value === f.nullMarker || at === -1) {
      throw new UsageError(`${where()}: header '${name}' would have a null value, which kstream cannot send`, { hint: 'give the header a value, or leave it out' });
    }
    (out[name] ??= []).push(value);
  }
  const headers: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(out)) headers[name] = values.length === 1 ? values[0] : values;
  return headers as NonNullable<OutRecord['headers']>;
}

function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** Bytes a record adds to a batch: its key, value and headers plus Kafka's per-record framing (at most). */
export function recordSize(r: OutRecord): number {
  return 21 + (r.key?.length ?? 0) + (r.value?.length ?? 0) + (r.headers ? headersSize(r.headers) : 0);
}

// Most runs put the same --header object on every record: measure it once.
let lastHeaders: OutRecord['headers'];
let lastHeadersSize = 0;

function headersSize(headers: NonNullable<OutRecord['headers']>): number {
  if (headers === lastHeaders) return lastHeadersSize;
  let size = 0;
  for (const [name, v] of Object.entries(headers)) {
    for (const one of Array.isArray(v) ? v : [v]) size += 10 + Buffer.byteLength(name) + Buffer.byteLength(one);
  }
  lastHeaders = headers;
  lastHeadersSize = size;
  return size;
}
