// A client of the Confluent Schema Registry REST API (v7), as Confluent's registry, Apicurio's
// /apis/ccompat/v7, Redpanda and Karapace serve it. Only what kstream uses; every failure becomes a
// one-line KstreamError naming the subject, version or id, and the registry.
//
// node:http(s) rather than fetch: fetch cannot be given a CA file (that needs undici's Agent,
// which Node does not export), and a registry behind a private CA is common.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ConnectionError, ExitCode, KstreamError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import type { RegistryConnection } from './settings.js';

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';
export const SCHEMA_TYPES: readonly SchemaType[] = ['AVRO', 'PROTOBUF', 'JSON'];

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** A schema as registered: by id it has no subject or version. */
export interface Schema {
  id: number;
  schemaType: SchemaType;
  schema: string;
  references?: SchemaReference[];
}

export interface SubjectVersion extends Schema {
  subject: string;
  version: number;
}

export interface NewSchema {
  schema: string;
  /** Default AVRO, as in the registry API. */
  schemaType?: SchemaType;
  references?: SchemaReference[];
}

export type VersionRef = number | 'latest';

export interface Compatibility {
  compatible: boolean;
  /** Why not, where the registry says (Confluent's verbose mode). */
  messages: string[];
}

export const COMPATIBILITY_LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** What the request was about, for error messages. */
interface Target {
  subject?: string;
  version?: VersionRef;
  id?: number;
}

export interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json';
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export class RegistryClient {
  private readonly byId = new Map<number, Promise<Schema>>();

  constructor(readonly conn: RegistryConnection) {}

  async subjects(opts: { deleted?: boolean } = {}): Promise<string[]> {
    return this.json<string[]>('GET', `/subjects${opts.deleted ? '?deleted=true' : ''}`, {}, isStringArray);
  }

  async versions(subject: string, opts: { deleted?: boolean } = {}): Promise<number[]> {
    return this.json<number[]>('GET', `/subjects/${enc(subject)}/versions${opts.deleted ? '?deleted=true' : ''}`, { subject }, isNumberArray);
  }

  async version(subject: string, version: VersionRef = 'latest'): Promise<SubjectVersion> {
    const body = await this.json<Record<string, unknown>>('GET', `/subjects/${enc(subject)}/versions/${version}`, { subject, version }, isSchemaBody);
    return toSubjectVersion(body);
  }

  /** The schema of an id; each id is fetched once per client (ids never change their schema). */
  schemaById(id: number): Promise<Schema> {
    let cached = this.byId.get(id);
    if (!cached) {
      cached = this.json<Record<string, unknown>>('GET', `/schemas/ids/${id}`, { id }, isSchemaBody).then((b) => ({ ...toSchema(b), id }));
      // A failure is not cached: the next record with this id asks again.
      cached.catch(() => this.byId.delete(id));
      this.byId.set(id, cached);
    }
    return cached;
  }

  /** Registers a schema under a subject (or finds it there) and returns its id. */
  async register(subject: string, schema: NewSchema): Promise<number> {
    const body = await this.json<{ id: number }>('POST', `/subjects/${enc(subject)}/versions`, { subject }, (b) => isObject(b) && typeof b.id === 'number', payload(schema));
    return body.id;
  }

  /** The version of a subject that holds this schema; a 404 if it holds none. */
  async lookup(subject: string, schema: NewSchema): Promise<SubjectVersion> {
    const body = await this.json<Record<string, unknown>>('POST', `/subjects/${enc(subject)}`, { subject }, isSchemaBody, payload(schema));
    return toSubjectVersion({ schemaType: schema.schemaType, ...body });
  }

  async checkCompatibility(subject: string, schema: NewSchema, version: VersionRef = 'latest'): Promise<Compatibility> {
    const body = await this.json<{ is_compatible: boolean; messages?: unknown }>(
      'POST', `/compatibility/subjects/${enc(subject)}/versions/${version}?verbose=true`, { subject, version },
      (b) => isObject(b) && typeof b.is_compatible === 'boolean', payload(schema),
    );
    return { compatible: body.is_compatible, messages: Array.isArray(body.messages) ? body.messages.map(String) : [] };
  }

  /** The compatibility level of a subject (its own, else the global one), or the global one. */
  async config(subject?: string): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}?defaultToGlobal=true`;
    const body = await this.json<Record<string, unknown>>('GET', path, { subject }, (b) => isObject(b) && typeof (b.compatibilityLevel ?? b.compatibility) === 'string');
    return (body.compatibilityLevel ?? body.compatibility) as CompatibilityLevel;
  }

  async setConfig(subject: string | undefined, level: CompatibilityLevel): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`;
    const body = await this.json<Record<string, unknown>>('PUT', path, { subject }, (b) => isObject(b) && typeof (b.compatibility ?? b.compatibilityLevel) === 'string', { compatibility: level });
    return (body.compatibility ?? body.compatibilityLevel) as CompatibilityLevel;
  }

  /**
   * Deletes a subject (every version) or one version. Soft by default: the registry keeps it, and
   * its ids still resolve. Permanent deletion needs a soft one first, so it does both.
   */
  async delete(subject: string, opts: { version?: number; permanent?: boolean } = {}): Promise<number[]> {
    const path = `/subjects/${enc(subject)}${opts.version === undefined ? '' : `/versions/${opts.version}`}`;
    const target = { subject, version: opts.version };
    const check = opts.version === undefined ? isNumberArray : (b: unknown) => typeof b === 'number';
    let soft: unknown;
    try {
      soft = await this.json<unknown>('DELETE', path, target, check);
    } catch (err) {
      // Already soft-deleted: what a second `delete --permanent` after a plain one meets.
      if (!(opts.permanent && err instanceof RegistryError && (err.code === 40404 || err.code === 40406))) throw err;
    }
    const done = opts.permanent ? await this.json<unknown>('DELETE', `${path}?permanent=true`, target, check) : soft;
    return typeof done === 'number' ? [done] : (done as number[]);
  }

  private async json<T>(method: string, path: string, target: Target, valid: (body: unknown) => boolean, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body);
    if (res.status >= 200 && res.status < 300) {
      const parsed = parseJson(res.body);
      if (parsed.ok && valid(parsed.value)) return parsed.value as T;
      throw notARegistry(this.conn.url, res);
    }
    throw errorFor(this.conn.url, res, target);
  }

  /** One HTTP request within --timeout; connection failures become ConnectionErrors. */
  send(method: string, path: string, body?: unknown): Promise<RawResponse> {
    const url = new URL(this.conn.url + path);
    const headers: Record<string, string> = { Accept: ACCEPT, 'User-Agent': 'kstream' };
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    if (data) Object.assign(headers, { 'Content-Type': CONTENT_TYPE, 'Content-Length': String(data.length) });
    const auth = this.conn.auth;
    if (auth?.kind === 'basic') headers.Authorization = 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    if (auth?.kind === 'bearer') headers.Authorization = `Bearer ${auth.token}`;
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, ...(this.conn.ca && { ca: this.conn.ca }) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => reject(connectionError(this.conn, err)));
      });
      req.setTimeout(this.conn.timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'KSTREAM_TIMEOUT' })));
      req.on('error', (err) => reject(connectionError(this.conn, err)));
      req.end(data);
    });
  }
}

/** An error response of the registry, with its Confluent error code (40401 subject not found…). */
export class RegistryError extends KstreamError {
  constructor(message: string, readonly status: number, readonly code: number | undefined, opts: { hint?: string; exitCode?: number } = {}) {
    super(message, opts);
    this.name = 'RegistryError';
  }
}

const enc = encodeURIComponent;

function payload(schema: NewSchema): Record<string, unknown> {
  const body: Record<string, unknown> = { schema: schema.schema };
  // AVRO is the API's default; some registries reject an explicit "AVRO" in older versions.
  if (schema.schemaType && schema.schemaType !== 'AVRO') body.schemaType = schema.schemaType;
  if (schema.references?.length) body.references = schema.references;
  return body;
}

function toSchema(body: Record<string, unknown>): Schema {
  const schema: Schema = { id: Number(body.id), schemaType: ((body.schemaType as string | undefined) ?? 'AVRO').toUpperCase() as SchemaType, schema: String(body.schema) };
  if (Array.isArray(body.references) && body.references.length) schema.references = body.references as SchemaReference[];
  return schema;
}

function toSubjectVersion(body: Record<string, unknown>): SubjectVersion {
  return { subject: String(body.subject), version: Number(body.version), ...toSchema(body) };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringArray = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isNumberArray = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'number');
const isSchemaBody = (v: unknown) => isObject(v) && typeof v.schema === 'string';

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function notARegistry(url: string, res: RawResponse): KstreamError {
  const kind = res.contentType.split(';')[0] || 'no content type';
  return new KstreamError(`${url} does not answer as a Schema Registry (HTTP ${res.status}, ${kind})`, {
    exitCode: ExitCode.CONNECTION,
    hint: 'point --schema-registry at the registry API: for Apicurio Registry it ends in /apis/ccompat/v7',
  });
}

const describeVersion = (v: VersionRef | undefined) => (v === 'latest' ? 'the latest version' : `version ${v}`);

/** The one-line error for a non-2xx response; pure, for the unit tests. */
export function errorFor(url: string, res: RawResponse, target: Target): KstreamError {
  const parsed = parseJson(res.body);
  const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
  const code = typeof body?.error_code === 'number' ? body.error_code : undefined;
  // Apicurio prefixes some messages with its Java exception class: noise to a user.
  const said = typeof body?.message === 'string' ? body.message.replace(/\s+/g, ' ').trim().replace(/^([\w$]+\.)+[\w$]*Exception: /, '') : undefined;
  const subject = target.subject === undefined ? '' : `'${target.subject}'`;
  if (res.status === 401 || res.status === 403) {
    return new RegistryError(`the Schema Registry at ${url} refused ${res.status === 401 ? 'to authenticate us' : 'access'} (HTTP ${res.status}${said ? `: ${said}` : ''})`, res.status, code, {
      exitCode: ExitCode.CONNECTION,
      hint: res.status === 401 ? 'check --schema-registry-user/--schema-registry-password or --schema-registry-token' : 'these credentials lack the permission for this request',
    });
  }
  if (code === undefined) {
    // Not the registry's error shape: an HTML 404 of some other web server, a proxy, or a wrong path.
    if (res.status === 404 || !body) return notARegistry(url, res);
    return new RegistryError(`the Schema Registry at ${url} answered HTTP ${res.status}${said ? `: ${said}` : ''}`, res.status, code);
  }
  const list = 'list them with `kstream registry subjects list`';
  switch (code) {
    case 40401:
      return new RegistryError(`subject ${subject} not found in the Schema Registry at ${url}`, res.status, code, { hint: list });
    case 40402:
      return new RegistryError(`subject ${subject} has no ${target.version === 'latest' ? 'versions' : `version ${target.version}`}`, res.status, code, { hint: `list its versions with \`kstream registry versions ${target.subject}\`` });
    case 40403:
      if (target.id === undefined) return new RegistryError(`subject ${subject} holds no such schema`, res.status, code, { hint: `see its versions with \`kstream registry versions ${target.subject}\`` });
      return new RegistryError(`no schema with id ${target.id} in the Schema Registry at ${url}`, res.status, code, { hint: 'was it registered in another registry?' });
    case 40404:
    case 40406:
      return new RegistryError(`subject ${subject}${target.version === undefined ? '' : ` ${describeVersion(target.version)}`} is already soft-deleted`, res.status, code, { hint: 'pass --permanent to delete it for good' });
    case 40405:
    case 40407:
      return new RegistryError(`subject ${subject} must be soft-deleted before a permanent delete`, res.status, code, { hint: 'delete it without --permanent first' });
    case 409:
    case 40901:
      return new RegistryError(`the schema is incompatible with subject ${subject}${said ? `: ${said}` : ''}`, res.status, code, {
        hint: `see the level with \`kstream registry config ${target.subject}\`, and test with \`kstream registry check\``,
      });
    case 42201:
    case 42202:
    case 42203:
    case 40001:
      return new RegistryError(`the Schema Registry rejected the request${subject && ` for subject ${subject}`}: ${said ?? `error ${code}`}`, res.status, code, { exitCode: ExitCode.USAGE });
    default:
      return new RegistryError(`the Schema Registry at ${url} answered HTTP ${res.status} (error ${code})${said ? `: ${said}` : ''}`, res.status, code);
  }
}

function connectionError(conn: RegistryConnection, err: NodeJS.ErrnoException): ConnectionError {
  const at = `the Schema Registry at ${conn.url}`;
  const hint = 'is it running? `kstream local start --schema-registry` runs one; or check --schema-registry';
  switch (err.code) {
    case 'ECONNREFUSED':
      return new ConnectionError(`cannot connect to ${at}: connection refused`, { hint, cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(`cannot connect to ${at}: unknown host ${new URL(conn.url).hostname}`, { hint: 'check the host name in --schema-registry', cause: err });
    case 'KSTREAM_TIMEOUT':
      return new ConnectionError(`no answer from ${at} within ${formatDuration(conn.timeoutMs)}`, { hint: 'is this a Schema Registry? a busy one may need a longer --timeout', cause: err });
    case 'ECONNRESET':
    case 'EPIPE':
      return new ConnectionError(`${at} closed the connection without an HTTP answer`, { hint: `is this the registry's address?${conn.url.startsWith('http:') ? ' does it want https://?' : ''}`, cause: err });
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return new ConnectionError(`TLS with ${at} failed: ${err.message.split('\n')[0]} (is it plain http?)`, { hint: 'use an http:// URL for a registry without TLS', cause: err });
    default:
      if (/CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/.test(err.code ?? '')) {
        return new ConnectionError(`TLS with ${at} failed: ${err.message}`, { hint: conn.caFile ? `is ${conn.caFile} the CA that signed its certificate?` : 'pass the CA file that signed its certificate with --schema-registry-ca', cause: err });
      }
      return new ConnectionError(`cannot connect to ${at}: ${err.message}`, { hint, cause: err });
  }
}
