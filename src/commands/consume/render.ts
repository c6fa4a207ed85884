// Output of the fetch path: each record goes from the RecordCursor (ranges of the fetched batch)
// straight into an OutBuffer, with no object per record. Text outputs copy key and value bytes
// unchanged; only --value-encoding base64/hex and JSON make strings. The group path (loop.ts) uses
// format.ts on record objects; both are built from the same OutputSpec, and a unit test checks that
// they print the same bytes.
import { isUtf8 } from 'node:buffer';
import type { RecordCursor } from '../../kafka/codec/decode-batch.js';
import type { ValueEncoding } from '../../records/envelope.js';
import { compileFormat, jsonFormat, LOG_APPEND_TIME, parseFormat, printFlagsFormat, type ConsumedRecord, type FormatPiece, type Part, type PrintFlags, type RecordFormatter } from './format.js';
import type { OutBuffer } from './out-buffer.js';
import type { RecordDecoder } from '../../serde/decoder.js';

/** What the user asked to print, before it is compiled for either path. */
export type OutputSpec =
  | { kind: 'flags'; flags: PrintFlags; encoding: ValueEncoding }
  | { kind: 'format'; pieces: FormatPiece[]; format: string; encoding: ValueEncoding }
  | { kind: 'json'; encoding: ValueEncoding }
  /** Outputs that need each record as an object (kcat -J, Kafka's deserializers, -o e@TS): formatted from one. */
  | { kind: 'records'; formatter: RecordFormatter; decoder?: RecordDecoder };

/**
 * Appends one record (where the cursor is) to `out`. A renderer that decodes by schema may hold
 * records back until their schemas are fetched: `settle` then appends them, after the walk.
 */
export type Renderer = ((c: RecordCursor, out: OutBuffer) => void) & { settle?: (out: OutBuffer) => Promise<void> };

export function formatSpec(format: string, encoding: ValueEncoding): OutputSpec {
  return { kind: 'format', pieces: parseFormat(format), format, encoding };
}

/** The record-object formatter of the same spec, for the group loop. */
export function recordFormatter(spec: OutputSpec): RecordFormatter {
  if (spec.kind === 'records') return spec.formatter;
  if (spec.kind === 'json') return jsonFormat(spec.encoding);
  if (spec.kind === 'format') return compileFormat(spec.format, spec.encoding);
  return printFlagsFormat(spec.flags, spec.encoding);
}

export function renderer(spec: OutputSpec, topic: string): Renderer {
  if (spec.kind === 'records') return spec.decoder ? decodingRenderer(spec.formatter, topic, spec.decoder) : objectRenderer(spec.formatter, topic);
  if (spec.kind === 'json') return jsonRenderer(topic, spec.encoding);
  if (spec.kind === 'format') return formatRenderer(spec.pieces, topic, spec.encoding);
  return flagsRenderer(spec.flags, spec.encoding, topic);
}

type Field = Renderer;

const NULL = Buffer.from('null');
const NEWLINE = 10;

/** A key or value range in the chosen encoding; utf8 copies the bytes; null prints `ifNull`. */
function bytesField(start: (c: RecordCursor) => number, end: (c: RecordCursor) => number, encoding: ValueEncoding, ifNull?: Buffer): Field {
  if (encoding === 'utf8') {
    return (c, out) => {
      const s = start(c);
      if (s >= 0) out.bytes(c.buf, s, end(c));
      else if (ifNull) out.literal(ifNull);
    };
  }
  return (c, out) => {
    const s = start(c);
    if (s >= 0) out.ascii(c.buf.toString(encoding, s, end(c)));
    else if (ifNull) out.literal(ifNull);
  };
}

const keyStart = (c: RecordCursor) => c.keyStart;
const keyEnd = (c: RecordCursor) => c.keyEnd;
const valueStart = (c: RecordCursor) => c.valueStart;
const valueEnd = (c: RecordCursor) => c.valueEnd;

/** Headers as name SEP value, joined by commas, in record order; a null value prints "null". */
function writeHeaders(c: RecordCursor, out: OutBuffer, sep: Buffer): boolean {
  let any = false;
  for (let ok = c.firstHeader(); ok; ok = c.nextHeader()) {
    if (any) out.byte(0x2c);
    any = true;
    out.bytes(c.buf, c.hKeyStart, c.hKeyEnd);
    out.literal(sep);
    if (c.hValueStart >= 0) out.bytes(c.buf, c.hValueStart, c.hValueEnd);
    else out.literal(NULL);
  }
  return any;
}

function formatRenderer(pieces: FormatPiece[], topic: string, encoding: ValueEncoding): Renderer {
  const topicBytes = Buffer.from(topic);
  const eq = Buffer.from('=');
  const fields: Record<string, Field> = {
    s: bytesField(valueStart, valueEnd, encoding),
    k: bytesField(keyStart, keyEnd, encoding),
    t: (_c, out) => out.literal(topicBytes),
    p: (c, out) => out.int(c.partition),
    o: (c, out) => out.int(c.offset),
    T: (c, out) => out.int(c.timestamp),
    h: (c, out) => void writeHeaders(c, out, eq),
    S: (c, out) => out.int(c.valueStart >= 0 ? c.valueEnd - c.valueStart : -1),
    K: (c, out) => out.int(c.keyStart >= 0 ? c.keyEnd - c.keyStart : -1),
    i: (c, out) => out.int(wireSchemaId(c.buf, c.valueStart, c.valueEnd)),
    I: (c, out) => out.int(wireSchemaId(c.buf, c.keyStart, c.keyEnd)),
  };
  const steps = pieces.map((p): Field => {
    if ('token' in p) return fields[p.token]!;
    const bytes = Buffer.from(p.literal);
    return (_c, out) => out.literal(bytes);
  });
  // The common shapes get a closure without the loop.
  if (steps.length === 2) {
    const [a, b] = steps as [Field, Field];
    return (c, out) => {
      a(c, out);
      b(c, out);
    };
  }
  return (c, out) => {
    for (let i = 0; i < steps.length; i++) steps[i]!(c, out);
  };
}

/** The schema id in a wire-format header at buf[start, end), or -1 (as format.ts's %i). */
function wireSchemaId(buf: Buffer, start: number, end: number): number {
  return start >= 0 && end - start >= 5 && buf[start] === 0 ? buf.readInt32BE(start + 1) : -1;
}

/** Kafka's console consumer layout: see printFlagsFormat. */
function flagsRenderer(flags: PrintFlags, encoding: ValueEncoding, topic: string): Renderer {
  const value = bytesField(valueStart, valueEnd, encoding, NULL);
  const key = bytesField(keyStart, keyEnd, encoding, NULL);
  const colon = Buffer.from(':');
  const noHeaders = Buffer.from('NO_HEADERS');
  const fields: Field[] = [];
  const topicBytes = Buffer.from(topic);
  if (flags.topic) fields.push((_c, out) => out.literal(topicBytes));
  if (flags.timestamp) {
    fields.push((c, out) => {
      out.ascii(c.attributes & LOG_APPEND_TIME ? 'LogAppendTime:' : 'CreateTime:');
      out.int(c.timestamp);
    });
  }
  if (flags.partition) fields.push((c, out) => (out.ascii('Partition:'), out.int(c.partition)));
  if (flags.offset) fields.push((c, out) => (out.ascii('Offset:'), out.int(c.offset)));
  if (flags.headers) fields.push((c, out) => void (writeHeaders(c, out, colon) || out.literal(noHeaders)));
  if (flags.key) fields.push(key);
  if (fields.length === 0 && encoding === 'utf8') {
    // The default output, and the one to be fast: the value's bytes and a newline.
    return (c, out) => {
      const s = c.valueStart;
      if (s >= 0) out.bytes(c.buf, s, c.valueEnd);
      else out.literal(NULL);
      out.byte(NEWLINE);
    };
  }
  const sep = Buffer.from(flags.separator);
  return (c, out) => {
    for (let i = 0; i < fields.length; i++) {
      fields[i]!(c, out);
      out.literal(sep);
    }
    value(c, out);
    out.byte(NEWLINE);
  };
}

/**
 * The JSON envelope of toEnvelope(), key for key in the same order, written without the object:
 * {"topic","partition","offset","timestamp","key","value","headers"[,"keyEncoding"][,"valueEncoding"]}.
 */
function jsonRenderer(topic: string, encoding: ValueEncoding): Renderer {
  const head = Buffer.from(`{"topic":${JSON.stringify(topic)},"partition":`);
  return (c, out) => {
    out.literal(head);
    out.int(c.partition);
    out.ascii(',"offset":');
    out.int(c.offset);
    out.ascii(',"timestamp":');
    out.int(c.timestamp);
    out.ascii(',"key":');
    const keyMark = jsonBytes(c.buf, c.keyStart, c.keyEnd, encoding, out);
    out.ascii(',"value":');
    const valueMark = jsonBytes(c.buf, c.valueStart, c.valueEnd, encoding, out);
    out.ascii(',"headers":');
    const headersMark = c.headerCount === 0 ? undefined : headersBinary(c, encoding);
    if (c.headerCount === 0) out.ascii('{}');
    else out.utf8(JSON.stringify(headersObject(c, headersMark ?? 'utf8')));
    if (keyMark) out.ascii(`,"keyEncoding":"${keyMark}"`);
    if (valueMark) out.ascii(`,"valueEncoding":"${valueMark}"`);
    if (headersMark) out.ascii(`,"headersEncoding":"${headersMark}"`);
    out.ascii('}\n');
  };
}

/** Writes bytes as a JSON string (or null); returns the encoding to mark, if not UTF-8 text. */
function jsonBytes(buf: Buffer, start: number, end: number, encoding: ValueEncoding, out: OutBuffer): string | undefined {
  if (start < 0) {
    out.literal(NULL);
    return undefined;
  }
  if (encoding === 'utf8' && isUtf8(buf.subarray(start, end))) {
    out.utf8(JSON.stringify(buf.toString('utf8', start, end)));
    return undefined;
  }
  const mark = encoding === 'utf8' ? 'base64' : encoding;
  out.byte(0x22);
  out.ascii(buf.toString(mark, start, end));
  out.byte(0x22);
  return mark;
}

/**
 * The encoding of every header value of the record, as encodeHeaders() decides it: none while all
 * are UTF-8 text, else base64 (or the chosen binary encoding) for all of them, marked once.
 */
function headersBinary(c: RecordCursor, encoding: ValueEncoding): 'base64' | 'hex' | undefined {
  for (let ok = c.firstHeader(); ok; ok = c.nextHeader()) {
    if (c.hValueStart >= 0 && !isUtf8(c.buf.subarray(c.hValueStart, c.hValueEnd))) return encoding === 'utf8' ? 'base64' : encoding;
  }
  return undefined;
}

/** Headers as encodeHeaders() shapes them: a repeated name becomes an array of its values, in order. */
function headersObject(c: RecordCursor, values: BufferEncoding): Record<string, string | string[]> {
  const obj = Object.create(null) as Record<string, string | string[]>;
  for (let ok = c.firstHeader(); ok; ok = c.nextHeader()) {
    const name = c.buf.toString('utf8', c.hKeyStart, c.hKeyEnd);
    const value = c.hValueStart >= 0 ? c.buf.toString(values, c.hValueStart, c.hValueEnd) : 'null';
    const seen = obj[name];
    if (seen === undefined) obj[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else obj[name] = [seen, value];
  }
  return obj;
}

/** The record at the cursor as the object a RecordFormatter takes, its bytes copied out of the batch. */
export function cursorRecord(c: RecordCursor, topic: string): ConsumedRecord {
  const headers: Record<string, Buffer | Buffer[]> = {};
  for (let ok = c.firstHeader(); ok; ok = c.nextHeader()) {
    const name = c.buf.toString('utf8', c.hKeyStart, c.hKeyEnd);
    // A null header value stays null (the formatters print it as their null text), never empty bytes.
    const value = (c.hValueStart >= 0 ? Buffer.from(c.buf.subarray(c.hValueStart, c.hValueEnd)) : null) as Buffer;
    const seen = headers[name];
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return {
    topic,
    partition: c.partition,
    offset: String(c.offset),
    timestamp: String(c.timestamp),
    attributes: c.attributes,
    key: c.keyStart >= 0 ? Buffer.from(c.buf.subarray(c.keyStart, c.keyEnd)) : null,
    value: c.valueStart >= 0 ? Buffer.from(c.buf.subarray(c.valueStart, c.valueEnd)) : null,
    headers,
  };
}

/** Appends a formatter's parts to `out`. */
export function writeParts(parts: Part[], out: OutBuffer): void {
  for (const p of parts) {
    if (typeof p === 'string') out.utf8(p);
    else out.bytes(p, 0, p.length);
  }
}

/** Builds the record object a RecordFormatter takes from the cursor, then copies its parts out. */
function objectRenderer(format: RecordFormatter, topic: string): Renderer {
  const parts: Part[] = [];
  return (c, out) => {
    parts.length = 0;
    format(cursorRecord(c, topic), parts);
    writeParts(parts, out);
  };
}

/**
 * As objectRenderer, for a formatter that decodes by schema. The walk is synchronous and a schema
 * not seen yet must be fetched: from the first record whose schema is missing, the records of the
 * response wait in order, and settle() fetches the schemas and appends them. Each id is fetched
 * once per run, so only the first responses of a run ever wait.
 */
function decodingRenderer(format: RecordFormatter, topic: string, decoder: RecordDecoder): Renderer {
  const parts: Part[] = [];
  const emit = (record: ConsumedRecord, out: OutBuffer) => {
    parts.length = 0;
    format(record, parts);
    writeParts(parts, out);
  };
  const waiting: ConsumedRecord[] = [];
  const ids = new Set<number>();
  const render: Renderer = (c, out) => {
    const record = cursorRecord(c, topic);
    decoder.missing(record.key, record.value, ids);
    if (waiting.length > 0 || ids.size > 0) waiting.push(record);
    else emit(record, out);
  };
  render.settle = async (out) => {
    if (waiting.length === 0) return;
    await decoder.load(ids);
    ids.clear();
    for (const record of waiting.splice(0)) emit(record, out);
  };
  return render;
}
