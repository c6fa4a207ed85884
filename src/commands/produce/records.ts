import { UsageError } from '../../errors.js';
import { encodeHeaders, NO_HEADERS } from '../../kafka/codec/encode.js';
import { parseEnvelope, type HeaderValue } from '../../records/envelope.js';
import type { ProduceOptions } from './options.js';

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

export function recordParser(opts: Pick<ProduceOptions, 'input' | 'key' | 'headers' | 'partition' | 'nullValue'>): RecordParser {
  const headers = Object.keys(opts.headers).length > 0 ? opts.headers : undefined;
  const fixedHeaders = headerBlock(headers);
  const partition = opts.partition ?? -1;
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

function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** Bytes a record adds to a batch at most: its key, value and header block plus Kafka's per-record framing. */
export function recordSize(keyLength: number, valueLength: number, headerBytes: number): number {
  // 21 bytes of framing at most, the header count among them.
  return 20 + keyLength + valueLength + headerBytes;
}
