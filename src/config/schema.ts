import type { OutputFormat } from '../output.js';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** SASL settings; the password comes from exactly one of password, passwordEnv, passwordFile (or a flag/env). */
export interface SaslSettings {
  mechanism: SaslMechanism;
  username: string;
  password?: string;
  passwordEnv?: string;
  passwordFile?: string;
}

export interface TlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  insecureSkipVerify?: boolean;
}

/**
 * The Schema Registry of a profile. Basic auth: username with one of password, passwordEnv,
 * passwordFile; or a bearer token: token or tokenEnv. `ca` is a PEM file for an https URL.
 */
export interface RegistrySettings {
  url: string;
  username?: string;
  password?: string;
  passwordEnv?: string;
  passwordFile?: string;
  token?: string;
  tokenEnv?: string;
  ca?: string;
}

/** One named profile of the config file. */
export interface Profile {
  brokers?: string[];
  clientId?: string;
  sasl?: SaslSettings;
  tls?: TlsSettings;
  output?: OutputFormat;
  schemaRegistry?: RegistrySettings;
}

type Fail = (keys: string[], what: string) => never;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function onlyKeys(value: Record<string, unknown>, allowed: string[], prefix: string[], fail: Fail): void {
  const extra = Object.keys(value).find((k) => !allowed.includes(k));
  if (extra !== undefined) fail([...prefix, extra], `unknown key '${[...prefix, extra].join('.')}' (expected ${allowed.join(', ')})`);
}

function str(value: unknown, keys: string[], fail: Fail): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') fail(keys, `'${keys.join('.')}' must be a non-empty string`);
  return value as string;
}

/** Checks one profile's shape; `fail` reports the key path so the caller can name the line. */
export function checkProfile(value: unknown, fail: Fail): Profile {
  if (value === null || value === undefined) return {};
  if (!isObject(value)) return fail([], 'must be a mapping (brokers, clientId, sasl, tls, output, schemaRegistry)');
  onlyKeys(value, ['brokers', 'clientId', 'sasl', 'tls', 'output', 'schemaRegistry'], [], fail);
  const profile: Profile = {};
  if (value.brokers !== undefined) profile.brokers = checkBrokers(value.brokers, fail);
  profile.clientId = str(value.clientId, ['clientId'], fail);
  if (value.sasl !== undefined && value.sasl !== null) profile.sasl = checkSasl(value.sasl, fail);
  if (value.tls !== undefined && value.tls !== null && value.tls !== false) profile.tls = checkTls(value.tls, fail);
  if (value.output !== undefined) {
    if (!['table', 'plain', 'json'].includes(value.output as string)) fail(['output'], "'output' must be table, plain or json");
    profile.output = value.output as OutputFormat;
  }
  if (value.schemaRegistry !== undefined && value.schemaRegistry !== null) profile.schemaRegistry = checkRegistry(value.schemaRegistry, fail);
  return JSON.parse(JSON.stringify(profile)) as Profile;
}

function checkBrokers(value: unknown, fail: Fail): string[] {
  const list = typeof value === 'string' ? value.split(',').map((b) => b.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((b) => typeof b !== 'string' || b === '')) {
    return fail(['brokers'], "'brokers' must be a list of HOST:PORT, e.g. [127.0.0.1:9092]");
  }
  return list as string[];
}

function checkSasl(value: unknown, fail: Fail): SaslSettings {
  if (!isObject(value)) return fail(['sasl'], "'sasl' must be a mapping (mechanism, username, password|passwordEnv|passwordFile)");
  onlyKeys(value, ['mechanism', 'username', 'password', 'passwordEnv', 'passwordFile'], ['sasl'], fail);
  const mechanism = String(value.mechanism ?? '').toLowerCase();
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) fail(['sasl', 'mechanism'], `'sasl.mechanism' must be one of ${SASL_MECHANISMS.join(', ')}`);
  const username = str(value.username, ['sasl', 'username'], fail);
  if (username === undefined) fail(['sasl'], "'sasl.username' is missing");
  const sources = ['password', 'passwordEnv', 'passwordFile'].filter((k) => value[k] !== undefined && value[k] !== null);
  if (sources.length > 1) fail(['sasl', sources[1]!], `give only one of sasl.password, sasl.passwordEnv, sasl.passwordFile (found ${sources.join(' and ')})`);
  return {
    mechanism: mechanism as SaslMechanism,
    username: username!,
    // A password of digits only is still a password: keep it as text.
    password: value.password === undefined || value.password === null ? undefined : String(value.password),
    passwordEnv: str(value.passwordEnv, ['sasl', 'passwordEnv'], fail),
    passwordFile: str(value.passwordFile, ['sasl', 'passwordFile'], fail),
  };
}

function checkTls(value: unknown, fail: Fail): TlsSettings {
  if (value === true) return {};
  if (!isObject(value)) return fail(['tls'], "'tls' must be true or a mapping (ca, cert, key, serverName, insecureSkipVerify)");
  onlyKeys(value, ['ca', 'cert', 'key', 'serverName', 'insecureSkipVerify'], ['tls'], fail);
  if (value.insecureSkipVerify !== undefined && typeof value.insecureSkipVerify !== 'boolean') {
    fail(['tls', 'insecureSkipVerify'], "'tls.insecureSkipVerify' must be true or false");
  }
  const tls: TlsSettings = {
    ca: str(value.ca, ['tls', 'ca'], fail),
    cert: str(value.cert, ['tls', 'cert'], fail),
    key: str(value.key, ['tls', 'key'], fail),
    serverName: str(value.serverName, ['tls', 'serverName'], fail),
    insecureSkipVerify: value.insecureSkipVerify as boolean | undefined,
  };
  if (Boolean(tls.cert) !== Boolean(tls.key)) fail(['tls'], "'tls.cert' and 'tls.key' go together (mutual TLS needs both)");
  return tls;
}

const REGISTRY_KEYS = ['url', 'username', 'password', 'passwordEnv', 'passwordFile', 'token', 'tokenEnv', 'ca'];

/** `schemaRegistry: URL`, or a mapping with the URL and its credentials. */
function checkRegistry(value: unknown, fail: Fail): RegistrySettings {
  const raw = typeof value === 'string' ? { url: value } : value;
  if (!isObject(raw)) return fail(['schemaRegistry'], `'schemaRegistry' must be a URL or a mapping (${REGISTRY_KEYS.join(', ')})`);
  onlyKeys(raw, REGISTRY_KEYS, ['schemaRegistry'], fail);
  const at = (k: string) => ['schemaRegistry', k];
  const url = str(raw.url, at('url'), fail);
  if (url === undefined) return fail(['schemaRegistry'], "'schemaRegistry.url' is missing");
  if (!/^https?:\/\/[^/\s]+/.test(url)) fail(at('url'), "'schemaRegistry.url' must be an http:// or https:// URL");
  const settings: RegistrySettings = { url };
  for (const k of REGISTRY_KEYS.slice(1)) {
    const v = raw[k];
    // A password or token of digits only is still one: keep it as text.
    if (v !== undefined && v !== null) settings[k as keyof RegistrySettings] = k === 'password' || k === 'token' ? String(v) : str(v, at(k), fail)!;
  }
  const passwords = ['password', 'passwordEnv', 'passwordFile'].filter((k) => k in settings);
  const tokens = ['token', 'tokenEnv'].filter((k) => k in settings);
  if (passwords.length > 1) fail(at(passwords[1]!), `give only one of schemaRegistry.password, passwordEnv, passwordFile (found ${passwords.join(' and ')})`);
  if (tokens.length > 1) fail(at('tokenEnv'), 'give only one of schemaRegistry.token and schemaRegistry.tokenEnv');
  if (passwords.length && settings.username === undefined) fail(['schemaRegistry'], "'schemaRegistry.username' is missing (a password needs a user name)");
  if (tokens.length && (passwords.length || settings.username !== undefined)) fail(at(tokens[0]!), 'give either basic auth (username, password) or a bearer token, not both');
  return settings;
}
