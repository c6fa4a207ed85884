import { UsageError } from '../../../errors.js';

export type DbKind = 'postgres' | 'mysql';

/** Where a database sink connects; `password` only when the URL carries one (else the environment's). */
export interface DbTarget {
  kind: DbKind;
  user: string;
  password?: string;
  host: string;
  port: number;
  database: string;
  /** The URL's query parameters (table, columns, format, upsert in the chain form). */
  params: Record<string, string>;
}

const SCHEMES: Record<string, DbKind> = { 'postgres:': 'postgres', 'postgresql:': 'postgres', 'mysql:': 'mysql', 'mariadb:': 'mysql' };
const DEFAULT_PORT: Record<DbKind, number> = { postgres: 5432, mysql: 3306 };
/** The variable each database's own client reads the password from. */
export const PASSWORD_ENV: Record<DbKind, string> = { postgres: 'PGPASSWORD', mysql: 'MYSQL_PWD' };

const HINT = 'write postgres://USER@HOST:PORT/DATABASE or mysql://USER@HOST:PORT/DATABASE (password in PGPASSWORD or MYSQL_PWD)';

export function parseDbUrl(text: string): DbTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${maskUrlText(text)}' is not a database URL`, { hint: HINT });
  }
  const kind = SCHEMES[url.protocol];
  if (!kind) throw new UsageError(`'${url.protocol}' databases are not supported as a sink; use postgres:// or mysql://`, { hint: HINT });
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new UsageError(`the database URL ${displayUrl(fromUrl(url, kind, database))} must name one database after the host`, { hint: HINT });
  return fromUrl(url, kind, database);
}

function fromUrl(url: URL, kind: DbKind, database: string): DbTarget {
  const target: DbTarget = {
    kind,
    user: decodeURIComponent(url.username) || (kind === 'postgres' ? 'postgres' : 'root'),
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: url.port ? Number(url.port) : DEFAULT_PORT[kind],
    database,
    params: Object.fromEntries(url.searchParams),
  };
  if (url.password) target.password = decodeURIComponent(url.password);
  return target;
}

/** The URL as kstream shows it: never with the password. */
export function displayUrl(t: DbTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${t.kind}://${encodeURIComponent(t.user)}${t.password !== undefined ? ':***' : ''}@${host}:${t.port}/${encodeURIComponent(t.database)}`;
}

/** Masks the password of a URL that did not parse, for the error that says so. */
export function maskUrlText(text: string): string {
  return text.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

/** The password: the URL's, else the database client's usual variable. */
export function passwordFor(t: DbTarget, env: NodeJS.ProcessEnv): string | undefined {
  return t.password ?? env[PASSWORD_ENV[t.kind]];
}
