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

/** One named profile of the config file. */
export interface Profile {
  brokers?: string[];
  clientId?: string;
  sasl?: SaslSettings;
  tls?: TlsSettings;
  output?: OutputFormat;
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
  if (!isObject(value)) return fail([], 'must be a mapping (brokers, clientId, sasl, tls, output)');
  onlyKeys(value, ['brokers', 'clientId', 'sasl', 'tls', 'output'], [], fail);
  const profile: Profile = {};
  if (value.brokers !== undefined) profile.brokers = checkBrokers(value.brokers, fail);
  profile.clientId = str(value.clientId, ['clientId'], fail);
  if (value.sasl !== undefined && value.sasl !== null) profile.sasl = checkSasl(value.sasl, fail);
  if (value.tls !== undefined && value.tls !== null && value.tls !== false) profile.tls = checkTls(value.tls, fail);
  if (value.output !== undefined) {
    if (!['table', 'plain', 'json'].includes(value.output as string)) fail(['output'], "'output' must be table, plain or json");
    profile.output = value.output as OutputFormat;
  }
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
