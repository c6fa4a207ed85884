// The registry a command talks to, from --schema-registry or the profile, as the serde's RegistryApi.
import type { Context } from '../context.js';
import { RegistryError, type RegistryClient } from '../registry/client.js';
import { registryFrom } from '../registry/connect.js';
import { registryOptions, type RegistryArgs } from '../registry/settings.js';
import type { RegistryApi } from './registry-api.js';

export { registryOptions };

export interface OpenRegistry {
  api: RegistryApi;
  /** The registry answered 404 (no such id, subject or version). */
  isNotFound: (err: unknown) => boolean;
}

const isNotFound = (err: unknown) => err instanceof RegistryError && err.status === 404;

export function openRegistry(ctx: Context, argv: object): OpenRegistry | undefined {
  const client = registryFrom(ctx, argv as RegistryArgs & { profile?: string; timeout?: string });
  return client && { api: adapt(client), isNotFound };
}

function adapt(client: RegistryClient): RegistryApi {
  return {
    schemaById: (id) => client.schemaById(id),
    async subjectsOf(id) {
      // GET /schemas/ids/{id}/versions names the subjects that hold the schema; only the serde asks it.
      const res = await client.send('GET', `/schemas/ids/${id}/versions`);
      if (res.status !== 200) return [];
      try {
        const list = JSON.parse(res.body) as Array<{ subject?: unknown; version?: unknown }>;
        return Array.isArray(list) ? list.filter((e) => typeof e.subject === 'string').map((e) => ({ subject: e.subject as string, version: Number(e.version) })) : [];
      } catch {
        return [];
      }
    },
    subjectVersion: (subject, version) => client.version(subject, version),
    async lookup(subject, schema) {
      try {
        const found = await client.lookup(subject, { schema: schema.schema, schemaType: schema.schemaType as 'AVRO' | undefined, references: schema.references });
        return { id: found.id, version: found.version };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    register: (subject, schema) => client.register(subject, { schema: schema.schema, schemaType: schema.schemaType as 'AVRO' | undefined, references: schema.references }),
  };
}
