// What the `kstream registry` subcommands share: their flags, the client, schema files.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { outputOption } from '../../output.js';
import type { NewSchema, RegistryClient, Schema, SchemaType, SubjectVersion } from '../../registry/client.js';
import { registryOrLocal } from '../../registry/connect.js';
import { registryOptions, type RegistryArgs } from '../../registry/settings.js';
import type { View } from '../../output.js';
import { parseInteger } from '../../util/kv.js';

export const commonOptions = { ...registryOptions, ...outputOption };

/** The registry to talk to: flags, environment, profile, else the one `local start --schema-registry` runs. */
export function clientFor(ctx: Context, argv: object): RegistryClient {
  return registryOrLocal(ctx, argv as RegistryArgs & { profile?: string; timeout?: string });
}

export const TYPE_CHOICES = ['avro', 'protobuf', 'json'] as const;
const BY_EXTENSION: Record<string, SchemaType> = { '.avsc': 'AVRO', '.avro': 'AVRO', '.proto': 'PROTOBUF', '.json': 'JSON' };

/** A schema file: its type from --type, else its extension (.avsc, .proto, .json for JSON Schema). */
export function readSchemaFile(file: string, type: string | undefined): NewSchema {
  const schemaType = type ? (type.toUpperCase() as SchemaType) : BY_EXTENSION[extname(file).toLowerCase()];
  if (!schemaType) {
    throw new UsageError(`cannot tell the schema type of ${file} from its extension`, { hint: 'pass --type avro|protobuf|json (or name it .avsc, .proto or .json)' });
  }
  let schema: string;
  try {
    schema = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the schema file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  if (schemaType !== 'PROTOBUF') {
    try {
      JSON.parse(schema);
    } catch (err) {
      const what = schemaType === 'AVRO' ? 'an Avro schema' : 'a JSON Schema';
      throw new UsageError(`${file} is not valid JSON, so not ${what}: ${(err as Error).message}`, { hint: type ? undefined : 'a .json file is read as JSON Schema; pass --type for another' });
    }
  }
  return { schema, schemaType };
}

/** A positional version: a number or `latest`. */
export function parseVersion(value: unknown, what = 'VERSION'): number | 'latest' {
  if (value === undefined || value === 'latest') return 'latest';
  return parseInteger(value, what, 1);
}

/** The schema as a person reads it: JSON indented; Protobuf as written. */
function pretty(schema: Schema): string {
  if (schema.schemaType === 'PROTOBUF') return schema.schema.trimEnd();
  try {
    return JSON.stringify(JSON.parse(schema.schema), null, 2);
  } catch {
    return schema.schema;
  }
}

/** One schema: key/value rows for a table, the schema text as registered when plain, all of it as JSON. */
export function schemaView(schema: Schema | SubjectVersion): View {
  const sv = schema as Partial<SubjectVersion>;
  const rows: Array<[string, string | number]> = [];
  if (sv.subject !== undefined) rows.push(['subject', sv.subject], ['version', sv.version!]);
  rows.push(['id', schema.id], ['type', schema.schemaType]);
  for (const ref of schema.references ?? []) rows.push(['reference', `${ref.name} → ${ref.subject} v${ref.version}`]);
  rows.push(['schema', pretty(schema)]);
  return {
    head: ['KEY', 'VALUE'],
    rows,
    // Exactly what was registered, so that `kstream registry get S -o plain > s.avsc` gives the file back.
    plain: [schema.schema.replace(/\n$/, '')],
    json: { ...(sv.subject !== undefined && { subject: sv.subject, version: sv.version }), id: schema.id, schemaType: schema.schemaType, schema: schema.schema, references: schema.references ?? [] },
  };
}
