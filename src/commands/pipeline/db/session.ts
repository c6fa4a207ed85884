import { dialectFor, type Dialect } from './dialect.js';
import { dbError } from './errors.js';
import { displayUrl, passwordFor, type DbTarget } from './url.js';

export interface QueryResult {
  rows: Array<Record<string, unknown>>;
  /** Rows an INSERT, UPDATE or DELETE touched. */
  affected: number;
}

/** One connection to the database, whichever the driver. */
export interface DbSession {
  dialect: Dialect;
  /** The URL without its password, for messages. */
  shown: string;
  query(sql: string, params?: Array<string | number | null>): Promise<QueryResult>;
  close(): Promise<void>;
}

/**
 * Connects with the driver of the URL's database. The driver is imported here, on first use, so
 * that commands without a database sink never load it. A refused login or an unreachable server
 * becomes kstream's error (exit 3), never a stack trace, and never shows the password.
 */
export async function connectDb(target: DbTarget, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<DbSession> {
  const shown = displayUrl(target);
  try {
    return target.kind === 'postgres' ? await connectPostgres(target, env, timeoutMs, shown) : await connectMysql(target, env, timeoutMs, shown);
  } catch (err) {
    throw dbError(target.kind, `cannot connect to ${shown}`, err);
  }
}

async function connectPostgres(t: DbTarget, env: NodeJS.ProcessEnv, timeoutMs: number, shown: string): Promise<DbSession> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({
    host: t.host, port: t.port, user: t.user, database: t.database, password: passwordFor(t, env) ?? '',
    connectionTimeoutMillis: timeoutMs, application_name: 'kstream',
  });
  // A connection lost while idle is reported as an event; without a listener it would end the process.
  // The next query fails and says why.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    dialect: dialectFor('postgres'),
    shown,
    query: async (sql, params) => {
      const r = await client.query({ text: sql, values: params });
      return { rows: r.rows ?? [], affected: r.rowCount ?? 0 };
    },
    close: () => client.end(),
  };
}

async function connectMysql(t: DbTarget, env: NodeJS.ProcessEnv, timeoutMs: number, shown: string): Promise<DbSession> {
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection({
    host: t.host, port: t.port, user: t.user, database: t.database, password: passwordFor(t, env) ?? '',
    connectTimeout: timeoutMs, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, multipleStatements: false,
  });
  conn.on('error', () => undefined);
  return {
    dialect: dialectFor('mysql'),
    shown,
    query: async (sql, params) => {
      // Statements with values are prepared (the values travel apart from the SQL); the rest,
      // such as BEGIN and SAVEPOINT, cannot be prepared on every server.
      const [result] = params && params.length ? await conn.execute(sql, params) : await conn.query(sql);
      if (Array.isArray(result)) return { rows: result as Array<Record<string, unknown>>, affected: 0 };
      return { rows: [], affected: (result as { affectedRows?: number }).affectedRows ?? 0 };
    },
    close: async () => {
      await conn.end().catch(() => conn.destroy());
    },
  };
}
