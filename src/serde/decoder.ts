// consume's side of the serde: each key and value in the wire format is decoded by the schema its id
// names, to JSON text; the formatters print that text where they would print the bytes, and the JSON
// envelopes put the decoded object in place of the string.
import { DeserializeError } from '../commands/consume/deserializers.js';
import type { ConsumedRecord, RecordFormatter } from '../commands/consume/format.js';
import type { SchemaType } from './codec.js';
import { decodeBody, isKnown, type SchemaStore } from './store.js';
import { HEADER_BYTES, isWireFormat, schemaIdOf } from './wire.js';

export const DATA_FORMATS = ['avro', 'protobuf', 'json-schema', 'auto', 'raw'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

const TYPE_OF: Record<string, SchemaType> = { avro: 'AVRO', protobuf: 'PROTOBUF', 'json-schema': 'JSON' };
const NAME_OF: Record<SchemaType, string> = { AVRO: 'Avro', PROTOBUF: 'Protobuf', JSON: 'JSON Schema' };

/** Which schema decoded a key or value. */
export interface SchemaMark {
  id: number;
  subject?: string;
}

/** A record after decoding: key and value hold JSON text where a schema decoded them. */
export interface DecodedRecord extends ConsumedRecord {
  keySchema?: SchemaMark;
  valueSchema?: SchemaMark;
}

export class RecordDecoder {
  private readonly warned = new Set<number>();

  constructor(
    private readonly store: SchemaStore,
    private readonly keyFormat: DataFormat,
    private readonly valueFormat: DataFormat,
    private readonly warn: (line: string) => void,
  ) {}

  /** The schema ids among these keys and values not loaded yet. */
  missing(key: Buffer | null, value: Buffer | null, into: Set<number>): void {
    this.need(key, this.keyFormat, into);
    this.need(value, this.valueFormat, into);
  }

  private need(b: Buffer | null, format: DataFormat, into: Set<number>): void {
    if (format === 'raw' || b === null || !isWireFormat(b)) return;
    const id = schemaIdOf(b);
    if (this.store.get(id) === undefined) into.add(id);
  }

  /** Loads the schemas of every key and value among these records. */
  async prepare(records: Iterable<{ key?: Buffer | null; value: Buffer | null }>): Promise<void> {
    const ids = new Set<number>();
    for (const r of records) this.missing(r.key ?? null, r.value, ids);
    if (ids.size > 0) await this.store.load(ids);
  }

  async load(ids: Set<number>): Promise<void> {
    await this.store.load(ids);
  }

  /** The record with key and value decoded (prepare first); throws DeserializeError. */
  decode(r: ConsumedRecord): DecodedRecord {
    const key = this.side(r.key, this.keyFormat, 'key');
    const value = this.side(r.value, this.valueFormat, 'value');
    if (!key && !value) return r;
    const out: DecodedRecord = { ...r };
    if (key) {
      out.key = key.text;
      out.keySchema = key.mark;
    }
    if (value) {
      out.value = value.text;
      out.valueSchema = value.mark;
    }
    return out;
  }

  private side(b: Buffer | null, format: DataFormat, what: 'key' | 'value'): { text: Buffer; mark: SchemaMark } | undefined {
    if (format === 'raw' || b === null) return undefined;
    const wire = isWireFormat(b);
    if (!wire) {
      if (format === 'auto') return undefined;
      throw new DeserializeError(`the ${what} is not in the Schema Registry wire format (magic byte 0 and a schema id)`);
    }
    const id = schemaIdOf(b);
    const schema = this.store.get(id);
    if (!isKnown(schema)) {
      const problem = schema?.problem ?? `schema ${id} was not loaded`;
      // auto reads text that happens to start with a zero byte as it is, and says so once.
      if (format === 'auto' && schema?.notFound) {
        if (!this.warned.has(id)) this.warn(`a ${what} starts like the wire format with schema id ${id}, which the registry does not know: printed as it is`);
        this.warned.add(id);
        return undefined;
      }
      throw new DeserializeError(`${what}: ${problem}`);
    }
    const want = TYPE_OF[format];
    if (want && schema.codec.type !== want) {
      throw new DeserializeError(`the ${what}'s schema ${id} is ${NAME_OF[schema.codec.type]}, not ${NAME_OF[want]} (--${what}-format ${format})`);
    }
    let text: string;
    try {
      text = decodeBody(schema.codec, b, HEADER_BYTES, b.length);
    } catch (err) {
      if (err instanceof DeserializeError) throw new DeserializeError(`${what} (schema ${id}): ${err.message}`);
      throw err;
    }
    return { text: Buffer.from(text), mark: { id, subject: schema.subject } };
  }
}

/** A formatter that decodes each record first. */
export function decodingFormatter(decoder: RecordDecoder, format: RecordFormatter): RecordFormatter {
  return (record, parts) => format(decoder.decode(record), parts);
}
