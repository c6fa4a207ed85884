// Schemas by id, fetched from the registry once each and kept for the run: consume looks each id up
// in a map per record, and asks the registry only for one it has not seen.
import { DeserializeError } from '../commands/consume/deserializers.js';
import { BodyError, SchemaError, type Codec, type ResolvedReference, type SchemaText } from './codec.js';
import { codecFor } from './codecs.js';
import { schemaTypeOf, type RegisteredSchema, type RegistryApi, type SchemaReference } from './registry-api.js';

export interface KnownSchema {
  id: number;
  codec: Codec;
  /** The first subject that holds it, if the registry names one. */
  subject?: string;
}

/** An id the registry does not know, or whose schema kstream cannot parse: remembered so it is asked once. */
export interface UnknownSchema {
  id: number;
  problem: string;
  /** The registry has no such id (rather than a schema kstream cannot read). */
  notFound: boolean;
}

export class SchemaStore {
  private readonly known = new Map<number, KnownSchema | UnknownSchema>();
  private readonly loading = new Map<number, Promise<void>>();

  constructor(private readonly registry: RegistryApi, private readonly isNotFound: (err: unknown) => boolean) {}

  /** The schema of an id already loaded, or undefined. */
  get(id: number): KnownSchema | UnknownSchema | undefined {
    return this.known.get(id);
  }

  /** Loads these ids (each once, however many callers ask); a registry that fails throws. */
  async load(ids: Iterable<number>): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const id of ids) {
      if (this.known.has(id)) continue;
      let p = this.loading.get(id);
      if (!p) {
        p = this.fetch(id).finally(() => this.loading.delete(id));
        this.loading.set(id, p);
      }
      waits.push(p);
    }
    await Promise.all(waits);
  }

  private async fetch(id: number): Promise<void> {
    let registered: RegisteredSchema;
    try {
      registered = await this.registry.schemaById(id);
    } catch (err) {
      if (!this.isNotFound(err)) throw err;
      this.known.set(id, { id, problem: `the registry has no schema with id ${id}`, notFound: true });
      return;
    }
    try {
      const codec = await codecFor(await resolve(this.registry, registered));
      const subjects = await this.registry.subjectsOf(id).catch((err: unknown) => {
        if (this.isNotFound(err)) return [];
        throw err;
      });
      this.known.set(id, { id, codec, subject: subjects[0]?.subject });
    } catch (err) {
      if (!(err instanceof SchemaError)) throw err;
      this.known.set(id, { id, problem: `schema ${id}: ${err.message}`, notFound: false });
    }
  }
}

export function isKnown(s: KnownSchema | UnknownSchema | undefined): s is KnownSchema {
  return s !== undefined && 'codec' in s;
}

/** A registered schema with its references' texts fetched (and theirs, in turn). */
export async function resolve(registry: RegistryApi, s: RegisteredSchema): Promise<SchemaText> {
  const references: ResolvedReference[] = [];
  const seen = new Set<string>();
  const visit = async (refs: SchemaReference[] | undefined) => {
    for (const ref of refs ?? []) {
      const key = `${ref.subject}/${ref.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const found = await registry.subjectVersion(ref.subject, ref.version);
      await visit(found.references);
      references.push({ name: ref.name, schema: found.schema });
    }
  };
  await visit(s.references);
  return { schemaType: schemaTypeOf(s), schema: s.schema, references };
}

/** A body its codec cannot read, as the consume deserializers report it. */
export function decodeBody(codec: Codec, buf: Buffer, start: number, end: number): string {
  try {
    return codec.decode(buf, start, end);
  } catch (err) {
    if (err instanceof BodyError) throw new DeserializeError(err.message);
    throw err;
  }
}
