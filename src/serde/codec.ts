// What every schema codec offers: record bodies to JSON text for consume, and JSON values to record
// bodies for produce, with a mismatch named by its field.

/** The registry's names: a schema without a type is Avro. */
export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

/** A schema another one imports or names (Confluent's references): resolved to its text before parsing. */
export interface ResolvedReference {
  name: string;
  schema: string;
}

export interface SchemaText {
  schemaType: SchemaType;
  schema: string;
  references?: ResolvedReference[];
}

export interface Codec {
  readonly type: SchemaType;
  /** The fully-qualified record or message name, for the record and topic-record subject strategies. */
  readonly recordName: string | undefined;
  /** The body at buf[start, end) (after the 5-byte header) as one line of JSON text. */
  decode(buf: Buffer, start: number, end: number): string;
  /** A JSON value as a record body (for Protobuf, with its message indexes); throws SchemaMismatch. */
  encode(value: unknown): Buffer;
}

/** A value that does not fit the schema: `field` is its path ("address.zip", "items[2]"), or "" for the whole value. */
export class SchemaMismatch extends Error {
  constructor(readonly field: string, readonly problem: string) {
    super(field ? `field '${field}': ${problem}` : problem);
  }
}

/** A schema that cannot be parsed, or names what is not there. */
export class SchemaError extends Error {}

/** A body the schema cannot read (truncated, wrong schema). */
export class BodyError extends Error {}

export function pathJoin(path: string, name: string | number): string {
  if (typeof name === 'number') return `${path}[${name}]`;
  return path ? `${path}.${name}` : name;
}

/** A value's kind for messages: "a string", "null", "an object". */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  if (t === 'string') return `the string ${JSON.stringify(v).slice(0, 40)}`;
  if (t === 'number' || t === 'boolean') return `${t} ${String(v)}`;
  return t === 'object' ? 'an object' : t;
}
