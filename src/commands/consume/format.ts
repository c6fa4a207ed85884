import { UsageError } from '../../errors.js';
import { headersToJson, toEnvelope, type RawRecord, type ValueEncoding } from '../../records/envelope.js';
import { deserializerFor, type Deserializer } from './deserializers.js';

/** One consumed record as the group consumer hands it over, plus where it came from. */
export interface ConsumedRecord extends RawRecord {
  /** Record attributes; bit 3 set means the broker stamped the time (LogAppendTime). */
  attributes?: number;
  /** Set where a schema decoded the key or value (src/serde/decoder.ts): it then holds JSON text. */
  keySchema?: SchemaMark;
  valueSchema?: SchemaMark;
}

/** Which registry schema decoded a key or value. */
export interface SchemaMark {
  id: number;
  subject?: string;
}

/** The schema id a key or value names: the decoding one, else its wire-format header's, else -1. */
function schemaId(mark: SchemaMark | undefined, b: Buffer | null): string {
  if (mark) return String(mark.id);
  return b !== null && b.length >= 5 && b[0] === 0 ? String(b.readInt32BE(1)) : '-1';
}

/** A piece of output: text, or raw bytes copied as they are (values need not be UTF-8). */
export type Part = string | Buffer;

/** Appends one record's output to `parts`. */
export type RecordFormatter = (record: ConsumedRecord, parts: Part[]) => void;

type Field = (r: ConsumedRecord, parts: Part[]) => void;

/** Key or value bytes in the chosen encoding; utf8 copies the bytes unchanged, null prints nothing. */
function bytesField(pick: (r: ConsumedRecord) => Buffer | null, encoding: ValueEncoding): Field {
  if (encoding === 'utf8') {
    return (r, parts) => {
      const b = pick(r);
      if (b) parts.push(b);
    };
  }
  return (r, parts) => {
    const b = pick(r);
    if (b) parts.push(b.toString(encoding));
  };
}

function headerPairs(r: ConsumedRecord, sep: string): string[] {
  const pairs: string[] = [];
  for (const [name, v] of Object.entries(headersToJson(r.headers))) {
    for (const one of Array.isArray(v) ? v : [v]) pairs.push(name + sep + one);
  }
  return pairs;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' };

/** The tokens of a kcat format string (`%s` is `s`). */
export const FORMAT_TOKENS = ['s', 'k', 't', 'p', 'o', 'T', 'h', 'S', 'K', 'i', 'I'] as const;
export type FormatToken = (typeof FORMAT_TOKENS)[number];

/** A parsed format string: literal text, or a token to fill in. */
export type FormatPiece = { literal: string } | { token: FormatToken };

/**
 * Parses a kcat-style format string once into literal and field pieces:
 * %s value, %k key, %t topic, %p partition, %o offset, %T timestamp (ms), %h headers (k=v,k2=v2),
 * %S value length, %K key length, %i and %I the value's and key's schema id (-1 if none), %% a percent sign;
 * \n \t \r \\ escapes.
 */
export function parseFormat(format: string): FormatPiece[] {
  const pieces: FormatPiece[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    const next = format[i + 1];
    if (c === '%' || c === '\\') {
      if (next === undefined) throw new UsageError(`--format ends with a lone '${c}'`, { hint: `write ${c}${c} for a literal ${c}` });
      i++;
      if (c === '\\') {
        const escaped = ESCAPES[next];
        if (escaped === undefined) throw new UsageError(`--format has an unknown escape '\\${next}'`, { hint: 'use \\n, \\t, \\r or \\\\' });
        literal += escaped;
      } else if (next === '%') {
        literal += '%';
      } else {
        if (!(FORMAT_TOKENS as readonly string[]).includes(next)) {
          throw new UsageError(`--format has an unknown token '%${next}'`, { hint: 'use %s %k %t %p %o %T %h %S %K %i %I or %%' });
        }
        if (literal) pieces.push({ literal });
        literal = '';
        pieces.push({ token: next as FormatToken });
      }
    } else {
      literal += c;
    }
  }
  if (literal) pieces.push({ literal });
  return pieces;
}

/** Compiles a kcat-style format string (see parseFormat). Null keys and values print nothing. */
export function compileFormat(format: string, encoding: ValueEncoding = 'utf8'): RecordFormatter {
  const fields: Record<FormatToken, Field> = {
    s: bytesField((r) => r.value, encoding),
    k: bytesField((r) => r.key, encoding),
    t: (r, p) => p.push(r.topic),
    p: (r, p) => p.push(String(r.partition)),
    o: (r, p) => p.push(String(r.offset)),
    T: (r, p) => p.push(String(r.timestamp)),
    h: (r, p) => p.push(headerPairs(r, '=').join(',')),
    S: (r, p) => p.push(r.value ? String(r.value.length) : '-1'),
    K: (r, p) => p.push(r.key ? String(r.key.length) : '-1'),
    i: (r, p) => p.push(schemaId(r.valueSchema, r.value)),
    I: (r, p) => p.push(schemaId(r.keySchema, r.key)),
  };
  const pieces = parseFormat(format).map((piece) => ('literal' in piece ? piece.literal : fields[piece.token]));
  return (r, parts) => {
    for (const piece of pieces) {
      if (typeof piece === 'string') parts.push(piece);
      else piece(r, parts);
    }
  };
}

export interface PrintFlags {
  /** kstream's own: the topic first, on by default when a run reads several topics or --include. */
  topic: boolean;
  key: boolean;
  partition: boolean;
  offset: boolean;
  timestamp: boolean;
  headers: boolean;
  /** print.value: on unless turned off. */
  value: boolean;
  separator: string;
  lineSeparator: string;
  headersSeparator: string;
  /** What a null key, value or header value prints as. */
  nullLiteral: string;
  keyDeserializer?: Deserializer;
  valueDeserializer?: Deserializer;
  headersDeserializer?: Deserializer;
}

export const DEFAULT_PRINT_FLAGS: PrintFlags = {
  topic: false, key: false, partition: false, offset: false, timestamp: false, headers: false, value: true,
  separator: '\t', lineSeparator: '\n', headersSeparator: ',', nullLiteral: 'null',
};

export const LOG_APPEND_TIME = 0x08;

type RawHeaders = ConsumedRecord['headers'];

function rawHeaderPairs(headers: RawHeaders): Array<[string, Buffer | null]> {
  const pairs: Array<[string, Buffer | null]> = [];
  for (const [name, v] of Object.entries(headers ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) pairs.push([name, one === undefined || one === null ? null : Buffer.isBuffer(one) ? one : Buffer.from(String(one))]);
  }
  return pairs;
}

/**
 * The default output with --print-* flags and Kafka's print.* properties, laid out as Kafka's
 * DefaultMessageFormatter writes it, after the topic when asked for (kstream's own): `topic SEP CreateTime:<ms> SEP Partition:<p> SEP Offset:<o> SEP h1:v1,h2:v2
 * SEP key SEP value LINESEP`, each part only when asked for, null as null.literal.
 */
export function printFlagsFormat(flags: PrintFlags, encoding: ValueEncoding = 'utf8'): RecordFormatter {
  const nullText = flags.nullLiteral;
  const bytes = (b: Buffer | null, deserializer: Deserializer | undefined, parts: Part[], as: ValueEncoding = encoding) => {
    if (b === null) return void parts.push(nullText);
    const out = deserializer ? deserializer(b) : b;
    parts.push(as === 'utf8' ? out : out.toString(as));
  };
  const fields: Field[] = [];
  if (flags.topic) fields.push((r, p) => p.push(r.topic));
  if (flags.timestamp) {
    fields.push((r, p) => p.push(`${(r.attributes ?? 0) & LOG_APPEND_TIME ? 'LogAppendTime' : 'CreateTime'}:${r.timestamp}`));
  }
  if (flags.partition) fields.push((r, p) => p.push(`Partition:${r.partition}`));
  if (flags.offset) fields.push((r, p) => p.push(`Offset:${r.offset}`));
  if (flags.headers) {
    fields.push((r, p) => {
      const pairs = rawHeaderPairs(r.headers);
      if (pairs.length === 0) return void p.push('NO_HEADERS');
      pairs.forEach(([name, value], i) => {
        if (i > 0) p.push(flags.headersSeparator);
        p.push(name + ':');
        // --value-encoding applies to keys and values; header values print as their bytes.
        bytes(value, flags.headersDeserializer, p, 'utf8');
      });
    });
  }
  if (flags.key) fields.push((r, p) => bytes(r.key, flags.keyDeserializer, p));
  if (flags.value) fields.push((r, p) => bytes(r.value, flags.valueDeserializer, p));
  const { separator, lineSeparator } = flags;
  return (r, parts) => {
    for (let i = 0; i < fields.length; i++) {
      fields[i]!(r, parts);
      parts.push(i === fields.length - 1 ? lineSeparator : separator);
    }
  };
}

/**
 * kcat -J's shape: `{"topic","partition","offset","tstype","ts","broker","headers":[k,v,…],"key","payload"}`,
 * headers only when the record has some. kstream does not track which broker served a record: broker is -1.
 */
export function kcatJsonFormat(): RecordFormatter {
  const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));
  return (r, parts) => {
    const headers = rawHeaderPairs(r.headers).flatMap(([k, v]) => [k, text(v)]);
    const out: Record<string, unknown> = {
      topic: r.topic,
      partition: r.partition,
      offset: Number(r.offset),
      tstype: (r.attributes ?? 0) & LOG_APPEND_TIME ? 'logappend' : 'create',
      ts: Number(r.timestamp),
      broker: -1,
    };
    if (headers.length) out.headers = headers;
    out.key = r.keySchema ? JSON.parse(text(r.key)!) : text(r.key);
    out.payload = r.valueSchema ? JSON.parse(text(r.value)!) : text(r.value);
    // kcat's names for the ids of decoded keys and values.
    if (r.keySchema) out.key_schema_id = r.keySchema.id;
    if (r.valueSchema) out.value_schema_id = r.valueSchema.id;
    parts.push(JSON.stringify(out) + '\n');
  };
}

/** One JSON envelope per line: the shape `produce --input json` reads back. */
export function jsonFormat(encoding: ValueEncoding = 'utf8'): RecordFormatter {
  return (r, parts) => {
    if (r.keySchema || r.valueSchema) return void parts.push(decodedEnvelope(r, encoding) + '\n');
    parts.push(JSON.stringify(toEnvelope(r, encoding)) + '\n');
  };
}

// Stand-ins for a decoded key and value in the envelope, replaced by their JSON text after
// JSON.stringify: parsing that text only to write it again cost two thirds of the run.
const KEY_MARK = '\u0000kstream-decoded-key\u0000';
const VALUE_MARK = '\u0000kstream-decoded-value\u0000';
const KEY_AT = `"key":${JSON.stringify(KEY_MARK)}`;
const VALUE_AT = `"value":${JSON.stringify(VALUE_MARK)}`;

/**
 * The envelope with a decoded key or value as its JSON object, and which schema decoded it. A JSON
 * string cannot hold an unescaped quote, so `"value":"<mark>"` is found only where the value goes.
 */
function decodedEnvelope(r: ConsumedRecord, encoding: ValueEncoding): string {
  const env: Record<string, unknown> = { ...toEnvelope({ ...r, key: r.keySchema ? null : r.key, value: r.valueSchema ? null : r.value }, encoding) };
  if (r.keySchema) {
    env.key = KEY_MARK;
    env.keySchemaId = r.keySchema.id;
    if (r.keySchema.subject !== undefined) env.keySubject = r.keySchema.subject;
  }
  if (r.valueSchema) {
    env.value = VALUE_MARK;
    env.valueSchemaId = r.valueSchema.id;
    if (r.valueSchema.subject !== undefined) env.valueSubject = r.valueSchema.subject;
  }
  let text = JSON.stringify(env);
  if (r.keySchema) text = splice(text, KEY_AT, `"key":${r.key!.toString('utf8')}`);
  if (r.valueSchema) text = splice(text, VALUE_AT, `"value":${r.value!.toString('utf8')}`);
  return text;
}

function splice(text: string, mark: string, by: string): string {
  const at = text.indexOf(mark);
  return text.slice(0, at) + by + text.slice(at + mark.length);
}

const PROPERTY_FLAGS: Record<string, 'key' | 'partition' | 'offset' | 'timestamp' | 'headers' | 'value'> = {
  'print.key': 'key',
  'print.partition': 'partition',
  'print.offset': 'offset',
  'print.timestamp': 'timestamp',
  'print.headers': 'headers',
  'print.value': 'value',
};

const TEXT_PROPERTIES: Record<string, 'separator' | 'lineSeparator' | 'headersSeparator' | 'nullLiteral'> = {
  'key.separator': 'separator',
  'line.separator': 'lineSeparator',
  'headers.separator': 'headersSeparator',
  'null.literal': 'nullLiteral',
};

const DESERIALIZER_PROPERTIES: Record<string, 'keyDeserializer' | 'valueDeserializer' | 'headersDeserializer'> = {
  'key.deserializer': 'keyDeserializer',
  'value.deserializer': 'valueDeserializer',
  'headers.deserializer': 'headersDeserializer',
};

/** Applies Kafka console-consumer `--property name=value` settings on top of the --print-* flags. */
export function applyProperties(flags: PrintFlags, properties: Array<[string, string]>): PrintFlags {
  const out = { ...flags };
  for (const [name, value] of properties) {
    const text = TEXT_PROPERTIES[name];
    if (text) {
      out[text] = value;
      continue;
    }
    const deserializer = DESERIALIZER_PROPERTIES[name];
    if (deserializer) {
      out[deserializer] = deserializerFor(value, name);
      continue;
    }
    const flag = PROPERTY_FLAGS[name];
    if (!flag) {
      const known = [...Object.keys(PROPERTY_FLAGS), ...Object.keys(TEXT_PROPERTIES), ...Object.keys(DESERIALIZER_PROPERTIES)];
      throw new UsageError(`unknown --property '${name}'`, { hint: `supported: ${known.join(', ')}` });
    }
    // Kafka reads these with Boolean.parseBoolean; kstream refuses a typo instead of reading false.
    if (!/^(true|false)$/i.test(value)) throw new UsageError(`--property ${name} must be true or false (got '${value}')`);
    out[flag] = value.toLowerCase() === 'true';
  }
  return out;
}
