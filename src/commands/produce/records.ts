import { UsageError } from '../../errors.js';
import { encodeHeaders, NO_HEADERS } from '../../kafka/codec/encode.js';
import { parseEnvelope, type HeaderValue } from '../../records/envelope.js';
import type { LineFormat, ProduceOptions } from './options.js';

/**
 * One input record as ranges of buffers, ready for BatchBuilder.append. A run reuses one of
 * these for every record: text lines are only sliced by offsets, never copied or wrapped.
 */
export class ParsedRecord {
  key: Buffer | null = null;
  keyStart = 0;
  keyEnd = 0;
  value: Buffer | null = null;
  valueStart = 0;
  valueEnd = 0;
  /** The record's header block (count and entries), as encodeHeaders makes it. */
  headers: Buffer = NO_HEADERS;
  /** -1: let the partitioner choose. */
  partition = -1;
  /** -1: the time it was read. */
  timestamp = -1;

  get keyLength(): number {
    return this.key ? this.keyEnd - this.keyStart : 0;
  }

  get valueLength(): number {
    return this.value ? this.valueEnd - this.valueStart : 0;
  }
}

/** Reads the record at data[start, end) into `out`; `where` names it in errors ("line 12"). */
export type RecordParser = (data: Buffer, start: number, end: number, where: () => string, out: ParsedRecord) => void;

type Headers = Record<string, HeaderValue | HeaderValue[]>;

/** A header block from header values by name, a repeated name keeping each value in order. */
export function headerBlock(headers: Headers | undefined): Buffer {
  if (!headers) return NO_HEADERS;
  const entries: [Buffer, Buffer][] = [];
  for (const [name, v] of Object.entries(headers)) {
    for (const one of Array.isArray(v) ? v : [v]) entries.push([Buffer.from(name), Buffer.from(one)]);
  }
  return entries.length ? encodeHeaders(entries) : NO_HEADERS;
}

export function recordParser(opts: Pick<ProduceOptions, 'input' | 'key' | 'headers' | 'partition' | 'nullValue' | 'lineFormat'>): RecordParser {
  const headers = Object.keys(opts.headers).length > 0 ? opts.headers : undefined;
  const fixedHeaders = headerBlock(headers);
  const partition = opts.partition ?? -1;
  if (opts.lineFormat) return kafkaLineParser(opts.lineFormat, headers, partition);
  if (opts.input === 'json') {
    return (data, start, end, where, out) => {
      const e = parseEnvelope(data.toString('utf8', start, end), where());
      setKey(out, e.key, 0, e.key?.length ?? 0);
      setValue(out, e.value, 0, e.value?.length ?? 0);
      // Headers from --header go on every record; a line's own header of the same name wins.
      out.headers = e.headers ? headerBlock({ ...headers, ...e.headers }) : fixedHeaders;
      out.partition = e.partition ?? partition;
      out.timestamp = e.timestamp === undefined ? -1 : Number(e.timestamp);
    };
  }
  const nullValue = opts.nullValue;
  const setText = (out: ParsedRecord, data: Buffer, start: number, end: number) => {
    const isNull = nullValue !== undefined && end - start === nullValue.length && data.compare(nullValue, 0, nullValue.length, start, end) === 0;
    setValue(out, isNull ? null : data, start, end);
    out.headers = fixedHeaders;
    out.partition = partition;
    out.timestamp = -1;
  };
  const key = opts.key;
  switch (key.kind) {
    case 'none':
      return (data, start, end, _where, out) => {
        setKey(out, null, 0, 0);
        setText(out, data, start, end);
      };
    case 'fixed':
      return (data, start, end, _where, out) => {
        setKey(out, key.key, 0, key.key.length);
        setText(out, data, start, end);
      };
    case 'separator': {
      const sep = key.separator;
      return (data, start, end, where, out) => {
        const at = indexWithin(data, sep, start, end);
        if (at === -1) {
          if (!key.allowMissing) {
            throw new UsageError(`${where()} has no key separator '${printable(key.text)}'`, {
              hint: 'fix the line, or pass --allow-missing-key to send such lines with a null key',
            });
          }
          setKey(out, null, 0, 0);
          setText(out, data, start, end);
          return;
        }
        setKey(out, data, start, at);
        setText(out, data, at + sep.length, end);
      };
    }
  }
}

function setKey(out: ParsedRecord, buf: Buffer | null, start: number, end: number): void {
  out.key = buf;
  out.keyStart = start;
  out.keyEnd = end;
}

function setValue(out: ParsedRecord, buf: Buffer | null, start: number, end: number): void {
  out.value = buf;
  out.valueStart = start;
  out.valueEnd = end;
}

/** The first `sep` in data[start, end), or -1; a one-byte separator is looked for by hand, so a line is never searched past its end. */
function indexWithin(data: Buffer, sep: Buffer, start: number, end: number): number {
  if (sep.length === 1) {
    const b = sep[0]!;
    for (let i = start; i < end; i++) if (data[i] === b) return i;
    return -1;
  }
  const at = data.subarray(start, end).indexOf(sep);
  return at === -1 ? -1 : start + at;
}

/**
 * kafka-console-producer's LineMessageReader: `headers DELIM key SEP value`, each part optional by
 * property, a part equal to null.marker sent as null. The line is read as UTF-8 text, as Kafka does.
 */
function kafkaLineParser(f: LineFormat, fixed: Headers | undefined, partition: number): RecordParser {
  const part = (line: string, from: number, sep: string, what: string, where: () => string): string | undefined => {
    const at = line.indexOf(sep, from);
    if (at !== -1) return line.slice(from, at);
    if (f.ignoreError) return undefined;
    throw new UsageError(`${where()} has no ${what} '${printable(sep)}'`, { hint: 'fix the line, or pass --property ignore.error=true' });
  };
  const orNull = (text: string | undefined) => (text === undefined || text === f.nullMarker ? null : Buffer.from(text));
  return (data, start, end, where, out) => {
    const line = data.toString('utf8', start, end);
    const head = f.headers ? part(line, 0, f.headers.delimiter, 'headers delimiter', where) : undefined;
    const headAt = head === undefined ? 0 : head.length + f.headers!.delimiter.length;
    const key = f.parseKey ? part(line, headAt, f.keySeparator, 'key separator', where) : undefined;
    const keyAt = key === undefined ? 0 : key.length + f.keySeparator.length;
    const parsed = head === undefined || head === f.nullMarker ? undefined : splitHeaders(head, f, where);
    const keyBytes = orNull(key);
    const valueBytes = orNull(line.slice(headAt + keyAt));
    setKey(out, keyBytes, 0, keyBytes?.length ?? 0);
    setValue(out, valueBytes, 0, valueBytes?.length ?? 0);
    out.headers = headerBlock(fixed || parsed ? { ...fixed, ...parsed } : undefined);
    out.partition = partition;
    out.timestamp = -1;
  };
}

function splitHeaders(text: string, f: LineFormat, where: () => string): Headers {
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
    // Kafka's reader sends a null header value here; kstream's header values are bytes, never null,
    // and an empty value in its place would change the data: so refuse it.
    if (value === f.nullMarker || at === -1) {
      throw new UsageError(`${where()}: header '${name}' would have a null value, which kstream cannot send`, { hint: 'give the header a value, or leave it out' });
    }
    (out[name] ??= []).push(value);
  }
  const headers: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(out)) headers[name] = values.length === 1 ? values[0] : values;
  return headers as Headers;
}

function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** Bytes a record adds to a batch at most: its key, value and header block plus Kafka's per-record framing. */
export function recordSize(keyLength: number, valueLength: number, headerBytes: number): number {
  // 21 bytes of framing at most, the header count among them.
  return 20 + keyLength + valueLength + headerBytes;
}
