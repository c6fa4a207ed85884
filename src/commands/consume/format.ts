import { UsageError } from '../../errors.js';
import { headersToJson, toEnvelope, type RawRecord, type ValueEncoding } from '../../records/envelope.js';

/** One consumed record as kafkajs hands it over, plus where it came from. */
export interface ConsumedRecord extends RawRecord {
  /** Record attributes; bit 3 set means the broker stamped the time (LogAppendTime). */
  attributes?: number;
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
export const FORMAT_TOKENS = ['s', 'k', 't', 'p', 'o', 'T', 'h', 'S', 'K'] as const;
export type FormatToken = (typeof FORMAT_TOKENS)[number];

/** A parsed format string: literal text, or a token to fill in. */
export type FormatPiece = { literal: string } | { token: FormatToken };

/**
 * Parses a kcat-style format string once into literal and field pieces:
 * %s value, %k key, %t topic, %p partition, %o offset, %T timestamp (ms), %h headers (k=v,k2=v2),
 * %S value length, %K key length, %% a percent sign; \n \t \r \\ escapes.
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
          throw new UsageError(`--format has an unknown token '%${next}'`, { hint: 'use %s %k %t %p %o %T %h %S %K or %%' });
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
  key: boolean;
  partition: boolean;
  offset: boolean;
  timestamp: boolean;
  headers: boolean;
  separator: string;
}

export const LOG_APPEND_TIME = 0x08;

/**
 * The default output with --print-* flags, laid out as Kafka's console consumer does:
 * `CreateTime:<ms> SEP Partition:<p> SEP Offset:<o> SEP h1:v1,h2:v2 SEP key SEP value`, null as "null".
 */
export function printFlagsFormat(flags: PrintFlags, encoding: ValueEncoding = 'utf8'): RecordFormatter {
  const value = bytesField((r) => r.value, encoding);
  const key = bytesField((r) => r.key, encoding);
  const fields: Field[] = [];
  if (flags.timestamp) {
    fields.push((r, p) => p.push(`${(r.attributes ?? 0) & LOG_APPEND_TIME ? 'LogAppendTime' : 'CreateTime'}:${r.timestamp}`));
  }
  if (flags.partition) fields.push((r, p) => p.push(`Partition:${r.partition}`));
  if (flags.offset) fields.push((r, p) => p.push(`Offset:${r.offset}`));
  if (flags.headers) fields.push((r, p) => p.push(headerPairs(r, ':').join(',') || 'NO_HEADERS'));
  if (flags.key) fields.push((r, p) => (r.key ? key(r, p) : p.push('null')));
  const sep = flags.separator;
  if (fields.length === 0) {
    return (r, parts) => {
      if (r.value) value(r, parts);
      else parts.push('null');
      parts.push('\n');
    };
  }
  return (r, parts) => {
    for (const field of fields) {
      field(r, parts);
      parts.push(sep);
    }
    if (r.value) value(r, parts);
    else parts.push('null');
    parts.push('\n');
  };
}

/** One JSON envelope per line: the shape `produce --input json` reads back. */
export function jsonFormat(encoding: ValueEncoding = 'utf8'): RecordFormatter {
  return (r, parts) => {
    parts.push(JSON.stringify(toEnvelope(r, encoding)) + '\n');
  };
}

const PROPERTY_FLAGS: Record<string, keyof Omit<PrintFlags, 'separator'>> = {
  'print.key': 'key',
  'print.partition': 'partition',
  'print.offset': 'offset',
  'print.timestamp': 'timestamp',
  'print.headers': 'headers',
};

/** Applies Kafka console-consumer `--property name=value` settings on top of the --print-* flags. */
export function applyProperties(flags: PrintFlags, properties: Array<[string, string]>): PrintFlags {
  const out = { ...flags };
  for (const [name, value] of properties) {
    if (name === 'key.separator') {
      out.separator = value;
      continue;
    }
    const flag = PROPERTY_FLAGS[name];
    if (!flag) {
      throw new UsageError(`unknown --property '${name}'`, { hint: `supported: ${[...Object.keys(PROPERTY_FLAGS), 'key.separator'].join(', ')}` });
    }
    if (value !== 'true' && value !== 'false') throw new UsageError(`--property ${name} must be true or false (got '${value}')`);
    out[flag] = value === 'true';
  }
  return out;
}
