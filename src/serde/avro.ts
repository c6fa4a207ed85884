// Avro bodies through avsc. JSON is Avro's own JSON encoding, as Java's JsonEncoder and Confluent's
// console tools write it: a union value other than null is wrapped as {"type": value}, bytes and
// fixed are strings of code points 0-255. produce also takes plain JSON for unions (the first
// branch that fits), since that is what people write by hand.
import avro from 'avsc';
import { BodyError, describeValue, SchemaError, pathJoin, SchemaMismatch, type Codec, type ResolvedReference } from './codec.js';

type Type = avro.Type;

/** avsc's copy with coercion (what fromString uses), typed: coerce 2 reads bytes from strings, wrap 1 wraps plain union values. */
interface Copying {
  _copy(value: unknown, opts: { coerce: number; wrap: number }): unknown;
}

/**
 * Avro's long, exact over its whole range. avsc's own long goes through doubles: past 2^52 it
 * writes some negative values with the wrong sign (found by the interop test against Java's Avro).
 * A long that fits a double's integers is a JSON number; a larger one is a string of digits.
 */
const DIGITS = /^-?\d{1,19}$/;
const MIN_LONG = -(2n ** 63n);
const MAX_LONG = 2n ** 63n - 1n;
const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => longValue(buf.readBigInt64LE()),
  toBuffer: (v: number | string) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(v));
    return buf;
  },
  fromJSON: (v: unknown) => {
    if (typeof v === 'string' && DIGITS.test(v)) {
      const big = BigInt(v);
      if (big >= MIN_LONG && big <= MAX_LONG) return longValue(big);
    }
    return v;
  },
  toJSON: (v: unknown) => v,
  isValid: (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && DIGITS.test(v) && BigInt(v) >= MIN_LONG && BigInt(v) <= MAX_LONG),
  compare: (a: number | string, b: number | string) => {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  },
}) as unknown as Type;

function longValue(big: bigint): number | string {
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

export function avroCodec(schemaText: string, references: ResolvedReference[] = []): Codec {
  const registry: Record<string, Type> = { long: exactLong };
  const opts = { registry, wrapUnions: true as const };
  const parse = (text: string, what: string) => {
    const json = parseJson(text, what);
    try {
      return avro.Type.forSchema(json, opts);
    } catch (err) {
      throw new SchemaError(`the ${what} is not valid (${(err as Error).message})`);
    }
  };
  for (const ref of references) parse(ref.schema, `Avro schema ${ref.name}`);
  const type = parse(schemaText, 'Avro schema');
  const binary = hasBinary(type.schema());
  const replacer = binary ? bufferAsBinary : undefined;
  return {
    type: 'AVRO',
    recordName: (type as { name?: string }).name,
    decode(buf, start, end) {
      let decoded: { value: unknown; offset: number };
      try {
        decoded = type.decode(buf, start);
      } catch (err) {
        throw new BodyError(`not readable with its Avro schema (${(err as Error).message})`);
      }
      if (decoded.offset < 0) throw new BodyError('the Avro body ends early for its schema');
      if (decoded.offset !== end) throw new BodyError(`${end - decoded.offset} bytes left after the Avro body`);
      return JSON.stringify(decoded.value, replacer);
    },
    encode(value) {
      return type.toBuffer(fromJson(type, value));
    },
  };
}

/** Avro JSON to avsc's value: wrapped unions first, then plain ones; a misfit names its field. */
function fromJson(type: Type, input: unknown): unknown {
  const copying = type as unknown as Copying;
  const value = withDefaults(type, input);
  for (const wrap of [0, 1]) {
    try {
      const copied = copying._copy(value, { coerce: 2, wrap });
      // The copy reads JSON; isValid checks what it made (a long out of range, say).
      if (type.isValid(copied)) return copied;
    } catch {
      // try the other union form
    }
  }
  throw explain(type, input, '');
}

function fits(type: Type, input: unknown): boolean {
  const copying = type as unknown as Copying;
  const value = withDefaults(type, input);
  for (const wrap of [0, 1]) {
    try {
      if (type.isValid(copying._copy(value, { coerce: 2, wrap }))) return true;
    } catch {
      // try the other union form
    }
  }
  return false;
}

type Inner = Type & { typeName: string; fields?: Array<{ name: string; type: Type; defaultValue(): unknown }>; itemsType?: Type; valuesType?: Type; types?: Type[] };

/**
 * Missing fields get their defaults as Avro JSON: avsc's own fill-in gives the decoded value
 * (a Buffer for bytes), which its JSON coercion then refuses.
 */
function withDefaults(type: Type, value: unknown): unknown {
  const t = type as Inner;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return t.typeName === 'array' ? value.map((v) => withDefaults(t.itemsType!, v)) : value;
  const obj = value as Record<string, unknown>;
  if (t.typeName === 'map') return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, withDefaults(t.valuesType!, v)]));
  if (t.typeName === 'union:wrapped' || t.typeName === 'union:unwrapped') {
    const keys = Object.keys(obj);
    const branch = keys.length === 1 ? t.types!.find((b) => b.branchName === keys[0]) : undefined;
    if (branch) return { [keys[0]!]: withDefaults(branch, obj[keys[0]!]) };
    const records = t.types!.filter((b) => (b as Inner).typeName === 'record');
    return records.length === 1 ? withDefaults(records[0]!, obj) : value;
  }
  if (t.typeName !== 'record') return value;
  const out: Record<string, unknown> = { ...obj };
  for (const f of t.fields!) {
    if (f.name in obj) out[f.name] = withDefaults(f.type, obj[f.name]);
    else if (f.defaultValue() !== undefined) out[f.name] = JSON.parse(f.type.toString(f.defaultValue())) as unknown;
  }
  return out;
}

/** The first field where `value` does not fit `type`. */
function explain(type: Type, value: unknown, path: string): SchemaMismatch {
  const t = type as Inner;
  if (t.typeName === 'record' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const f of t.fields!) {
      const fieldPath = pathJoin(path, f.name);
      if (!(f.name in obj)) {
        if (f.defaultValue() === undefined) return new SchemaMismatch(fieldPath, 'missing, and the schema gives it no default');
        continue;
      }
      if (!fits(f.type, obj[f.name])) return explain(f.type, obj[f.name], fieldPath);
    }
  }
  if (t.typeName === 'array' && Array.isArray(value)) {
    const i = value.findIndex((v) => !fits(t.itemsType!, v));
    if (i >= 0) return explain(t.itemsType!, value[i], pathJoin(path, i));
  }
  if (t.typeName === 'map' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const bad = Object.entries(value).find(([, v]) => !fits(t.valuesType!, v));
    if (bad) return explain(t.valuesType!, bad[1], pathJoin(path, bad[0]));
  }
  return new SchemaMismatch(path, `expected ${describeType(type)}, got ${describeValue(value)}`);
}

function describeType(type: Type): string {
  const schema = type.schema() as unknown;
  const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
  return text.length > 60 ? `${(type as { typeName: string }).typeName} ${(type as { name?: string }).name ?? ''}`.trim() : text;
}

function hasBinary(schema: unknown): boolean {
  if (schema === 'bytes' || schema === 'fixed') return true;
  if (Array.isArray(schema)) return schema.some(hasBinary);
  if (schema !== null && typeof schema === 'object') return Object.values(schema).some(hasBinary);
  return false;
}

/** JSON.stringify's view of a Buffer ({type, data}) as Avro JSON's string of code points 0-255. */
function bufferAsBinary(_key: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return Buffer.from((v as { data: number[] }).data).toString('latin1');
  }
  return v;
}

function parseJson(text: string, what: string): avro.Schema {
  try {
    return JSON.parse(text) as avro.Schema;
  } catch (err) {
    throw new SchemaError(`the ${what} is not JSON (${(err as Error).message})`);
  }
}
