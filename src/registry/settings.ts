// How kstream reaches a Schema Registry: flags, environment and the profile's `schemaRegistry`.
// Precedence, as for the brokers: flag > environment > profile. Credentials: basic auth (a user and
// password, from the flags, from the URL's user info, or from the profile) or a bearer token.
import { readFileSync } from 'node:fs';
import type { Options } from 'yargs';
import { UsageError } from '../errors.js';
import type { RegistrySettings } from '../config/schema.js';
import { MASK, profilePassword, secretFromEnv } from '../config/secrets.js';

const GROUP = 'Schema Registry (or set schemaRegistry in a profile):';

/** The URL `kstream local start --schema-registry` serves: the default of `kstream registry`. */
export const LOCAL_REGISTRY_URL = 'http://127.0.0.1:8081/apis/ccompat/v7';

/** The flags of every command that talks to a registry (`registry`, and those that decode or encode). */
export const registryOptions = {
  'schema-registry': {
    type: 'string',
    describe: 'Schema Registry URL (env KSTREAM_SCHEMA_REGISTRY), e.g. http://127.0.0.1:8081/apis/ccompat/v7 (Apicurio) or https://sr:8081',
    requiresArg: true,
    group: GROUP,
  },
  'schema-registry-user': { type: 'string', describe: 'Basic auth user name (or USER:PASSWORD@ in the URL)', requiresArg: true, group: GROUP },
  'schema-registry-password': { type: 'string', describe: 'Basic auth password (prefer env KSTREAM_SCHEMA_REGISTRY_PASSWORD: flags show in `ps`)', requiresArg: true, group: GROUP },
  'schema-registry-token': { type: 'string', describe: 'Bearer token (prefer env KSTREAM_SCHEMA_REGISTRY_TOKEN)', requiresArg: true, group: GROUP },
  'schema-registry-ca': { type: 'string', describe: 'PEM file of the CA that signed an https registry\'s certificate', requiresArg: true, group: GROUP },
} satisfies Record<string, Options>;

/** The registry flags as yargs parses them (camel-cased). */
export interface RegistryArgs {
  schemaRegistry?: string;
  schemaRegistryUser?: string;
  schemaRegistryPassword?: string;
  schemaRegistryToken?: string;
  schemaRegistryCa?: string;
}

export type RegistryAuth = { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

/** Everything the client needs; the URL carries no user info (Node refuses such URLs, and it would leak into messages). */
export interface RegistryConnection {
  url: string;
  auth?: RegistryAuth;
  /** PEM text of the CA file. */
  ca?: string;
  caFile?: string;
  timeoutMs: number;
}

/**
 * The registry connection the flags, environment and profile describe, or undefined when none
 * names a registry URL (then a command that only may decode, such as consume, leaves bytes alone).
 */
export function resolveRegistry(args: RegistryArgs, env: NodeJS.ProcessEnv, profile: RegistrySettings | undefined, timeoutMs: number): RegistryConnection | undefined {
  const flagUrl = args.schemaRegistry ?? (env.KSTREAM_SCHEMA_REGISTRY || undefined);
  if (args.schemaRegistry === '') throw new UsageError('--schema-registry needs a URL', { hint: `e.g. --schema-registry ${LOCAL_REGISTRY_URL}` });
  const raw = flagUrl ?? profile?.url;
  if (raw === undefined) {
    const stray = [args.schemaRegistryUser && '--schema-registry-user', args.schemaRegistryPassword && '--schema-registry-password', args.schemaRegistryToken && '--schema-registry-token', args.schemaRegistryCa && '--schema-registry-ca'].filter(Boolean);
    if (stray.length) throw new UsageError(`${stray.join(', ')} without a registry URL`, { hint: 'pass --schema-registry URL, or set schemaRegistry in the profile' });
    return undefined;
  }
  const { url, userInfo } = splitUrl(raw);
  // The profile's credentials belong to the profile's registry, not to one the flags name.
  const fromProfile = flagUrl === undefined || splitUrl(flagUrl).url === (profile && splitUrl(profile.url).url) ? profile : undefined;
  const auth = resolveAuth(args, env, fromProfile, userInfo);
  const caFile = args.schemaRegistryCa ?? fromProfile?.ca;
  if (caFile && !url.startsWith('https:')) throw new UsageError(`a CA file (--schema-registry-ca) is for an https:// registry, not ${url}`);
  const conn: RegistryConnection = { url, timeoutMs };
  if (auth) conn.auth = auth;
  if (caFile) Object.assign(conn, { ca: readCa(caFile), caFile });
  return conn;
}

/** The URL without user info and trailing slashes, and the user info apart. */
export function splitUrl(raw: string): { url: string; userInfo?: { username: string; password?: string } } {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`'${redactUrl(raw)}' is not a Schema Registry URL`, { hint: `use http(s)://HOST:PORT[/PATH], e.g. ${LOCAL_REGISTRY_URL}` });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`'${redactUrl(raw)}' is not an http:// or https:// URL`, { hint: `e.g. ${LOCAL_REGISTRY_URL}` });
  }
  if (parsed.search || parsed.hash) throw new UsageError(`the Schema Registry URL '${redactUrl(raw)}' must not have a query or fragment`);
  const userInfo = parsed.username ? { username: decodeURIComponent(parsed.username), password: parsed.password ? decodeURIComponent(parsed.password) : undefined } : undefined;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString().replace(/\/+$/, ''), userInfo };
}

/** A URL fit to print: any password in its user info masked. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^/@:]*):[^/@]*@/, `//$1:${MASK}@`);
}

function resolveAuth(args: RegistryArgs, env: NodeJS.ProcessEnv, profile: RegistrySettings | undefined, userInfo?: { username: string; password?: string }): RegistryAuth | undefined {
  const token = args.schemaRegistryToken ?? (env.KSTREAM_SCHEMA_REGISTRY_TOKEN || undefined) ?? profile?.token ?? secretFromEnv(env, profile?.tokenEnv, 'schemaRegistry.tokenEnv');
  const username = args.schemaRegistryUser ?? userInfo?.username ?? profile?.username;
  if (token !== undefined) {
    if (args.schemaRegistryUser !== undefined || userInfo) throw new UsageError('give a bearer token or basic auth for the Schema Registry, not both');
    return { kind: 'bearer', token };
  }
  if (username === undefined) {
    if (args.schemaRegistryPassword !== undefined) throw new UsageError('--schema-registry-password needs --schema-registry-user');
    return undefined;
  }
  const sameUser = username === profile?.username ? profile : undefined;
  const password = args.schemaRegistryPassword ?? userInfo?.password ?? (env.KSTREAM_SCHEMA_REGISTRY_PASSWORD || undefined) ?? profilePassword(env, sameUser, 'schemaRegistry');
  if (password === undefined) {
    throw new UsageError(`the Schema Registry user '${username}' needs a password`, {
      hint: 'set KSTREAM_SCHEMA_REGISTRY_PASSWORD, pass --schema-registry-password, or give schemaRegistry.passwordEnv or passwordFile in the profile',
    });
  }
  return { kind: 'basic', username, password };
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the Schema Registry CA file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}
