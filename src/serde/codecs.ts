import type { Codec, SchemaText } from './codec.js';
import type { ProtobufOptions } from './protobuf.js';

/**
 * The codec of a schema; rejects with SchemaError if it does not parse. Each codec's module (and
 * its library: avsc, protobufjs, ajv) is imported when a schema of its type first needs it, so
 * commands that never meet a schema do not load them.
 */
export async function codecFor(s: SchemaText, opts: ProtobufOptions = {}): Promise<Codec> {
  if (s.schemaType === 'AVRO') return (await import('./avro.js')).avroCodec(s.schema, s.references);
  if (s.schemaType === 'PROTOBUF') return (await import('./protobuf.js')).protobufCodec(s.schema, s.references, opts);
  return (await import('./json-schema.js')).jsonSchemaCodec(s.schema, s.references);
}
