// What the serde needs of a Schema Registry (Confluent's REST API): the registry client
// (src/registry/client.ts) provides it; unit tests give an in-memory one.
import type { SchemaType } from './codec.js';

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

export interface RegisteredSchema {
  schema: string;
  /** Absent means AVRO, as the registry writes it. */
  schemaType?: string;
  references?: SchemaReference[];
}

export interface SubjectVersion extends RegisteredSchema {
  subject: string;
  id: number;
  version: number;
}

export interface RegistryApi {
  /** GET /schemas/ids/{id} */
  schemaById(id: number): Promise<RegisteredSchema>;
  /** GET /schemas/ids/{id}/versions: the subjects (and versions) that hold this schema. */
  subjectsOf(id: number): Promise<Array<{ subject: string; version: number }>>;
  /** GET /subjects/{subject}/versions/{version} */
  subjectVersion(subject: string, version: number | 'latest'): Promise<SubjectVersion>;
  /** POST /subjects/{subject}: the id and version of this schema under the subject, or undefined if it is not there. */
  lookup(subject: string, schema: RegisteredSchema): Promise<{ id: number; version: number } | undefined>;
  /** POST /subjects/{subject}/versions: registers (or finds) the schema; its id. */
  register(subject: string, schema: RegisteredSchema): Promise<number>;
}

export function schemaTypeOf(s: RegisteredSchema): SchemaType {
  const t = (s.schemaType ?? 'AVRO').toUpperCase();
  if (t === 'AVRO' || t === 'PROTOBUF' || t === 'JSON') return t;
  throw new Error(`unknown schema type ${s.schemaType}`);
}
