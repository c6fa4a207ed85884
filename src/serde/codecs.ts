import { avroCodec } from './avro.js';
import type { Codec, SchemaText } from './codec.js';
import { jsonSchemaCodec } from './json-schema.js';
import { protobufCodec, type ProtobufOptions } from './protobuf.js';

/** The codec of a schema; throws SchemaError if it does not parse. */
export function codecFor(s: SchemaText, opts: ProtobufOptions = {}): Codec {
  if (s.schemaType === 'AVRO') return avroCodec(s.schema, s.references);
  if (s.schemaType === 'PROTOBUF') return protobufCodec(s.schema, s.references, opts);
  return jsonSchemaCodec(s.schema, s.references);
}
