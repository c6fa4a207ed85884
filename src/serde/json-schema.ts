// JSON Schema bodies: the body is the JSON text itself; produce checks it with ajv first.
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { BodyError, SchemaError, SchemaMismatch, type Codec, type ResolvedReference } from './codec.js';

export function jsonSchemaCodec(schemaText: string, references: ResolvedReference[] = []): Codec {
  let schema: Record<string, unknown>;
  try {
    schema = JSON.parse(schemaText) as Record<string, unknown>;
  } catch (err) {
    throw new SchemaError(`the JSON schema is not JSON (${(err as Error).message})`);
  }
  let validate: ValidateFunction | undefined;
  // Compiled on first use: consume only reads bodies, and a draft ajv lacks must not stop it.
  const validator = () => (validate ??= compile(schema, references));
  return {
    type: 'JSON',
    recordName: typeof schema.title === 'string' ? schema.title : undefined,
    decode(buf, start, end) {
      try {
        // Parsed and written again: one line, whatever the producer's layout.
        return JSON.stringify(JSON.parse(buf.toString('utf8', start, end)));
      } catch {
        throw new BodyError('the body is not JSON text');
      }
    },
    encode(value) {
      const check = validator();
      if (!check(value)) {
        const e = check.errors![0]!;
        const missing = e.keyword === 'required' ? (e.params as { missingProperty?: string }).missingProperty : undefined;
        const path = e.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replaceAll('/', '.');
        const field = missing ? (path ? `${path}.${missing}` : missing) : path;
        throw new SchemaMismatch(field, missing ? 'missing, and the schema requires it' : e.message ?? 'does not match the schema');
      }
      return Buffer.from(JSON.stringify(value));
    },
  };
}

function compile(schema: Record<string, unknown>, references: ResolvedReference[]): ValidateFunction {
  const draft = String(schema.$schema ?? '');
  const opts = { strict: false, allErrors: false };
  const ajv = draft.includes('2020-12') ? new Ajv2020(opts) : draft.includes('2019-09') ? new Ajv2019(opts) : new Ajv(opts);
  addFormats.default(ajv);
  try {
    for (const ref of references) ajv.addSchema(JSON.parse(ref.schema) as object, ref.name);
    return ajv.compile(schema);
  } catch (err) {
    throw new SchemaError(`the JSON schema does not compile (${(err as Error).message})`);
  }
}
