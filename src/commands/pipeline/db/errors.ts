import { ConnectionError, KstreamError, UsageError } from '../../../errors.js';
import type { DbKind } from './url.js';

/**
 * What a driver's error means for the stage:
 * - credentials: the database refused the user (or has no such database): stop, exit 3;
 * - fatal: the table or the permission to write it is gone: stop, the user must act;
 * - data: this statement's rows were rejected (a type, a constraint, a column): retry, then --dlq;
 * - unavailable: the connection is down or the server restarting: reconnect and resume.
 */
export type DbFailure = 'credentials' | 'fatal' | 'data' | 'unavailable';

interface DriverError {
  code?: string;
  errno?: number;
  sqlState?: string;
  fatal?: boolean;
  message?: string;
}

const PG_CREDENTIALS = new Set(['28P01', '28000', '3D000']);
const PG_FATAL = new Set(['42501', '42P01', '3F000']);
const PG_UNAVAILABLE = /^(08|53|57P|58|40001|40P01)/;
const MYSQL_CREDENTIALS = new Set([1044, 1045, 1049, 1698]);
const MYSQL_FATAL = new Set([1142, 1146, 1143]);
const MYSQL_UNAVAILABLE = new Set([1040, 1053, 1205, 1213, 1927, 2006, 2013]);

export function classify(kind: DbKind, err: unknown): DbFailure {
  const e = (err ?? {}) as DriverError;
  if (kind === 'postgres') {
    const code = e.code ?? '';
    if (!/^[0-9A-Z]{5}$/.test(code)) return 'unavailable';
    if (PG_CREDENTIALS.has(code)) return 'credentials';
    if (PG_FATAL.has(code)) return 'fatal';
    return PG_UNAVAILABLE.test(code) ? 'unavailable' : 'data';
  }
  if (e.errno !== undefined && MYSQL_CREDENTIALS.has(e.errno)) return 'credentials';
  if (e.errno !== undefined && MYSQL_FATAL.has(e.errno)) return 'fatal';
  if (e.fatal || !e.sqlState || (e.errno !== undefined && MYSQL_UNAVAILABLE.has(e.errno))) return 'unavailable';
  return 'data';
}

/** The driver's message, on one line. Drivers never put the password in it. */
export const dbMessage = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0]!.trim() || String((err as DriverError)?.code ?? 'unknown error');

/**
 * The database cannot be reached for now: the stage reconnects with backoff and resumes from the
 * offsets in the database (the batch in flight was not committed, or its offsets say it was).
 */
export class DbUnavailableError extends ConnectionError {
  readonly reconnect = true;
  constructor(message: string, cause?: unknown) {
    super(message, { cause, hint: 'is the database running and reachable? check the host and port of the URL' });
    this.name = 'DbUnavailableError';
  }
}

export const isDbUnavailable = (err: unknown): err is DbUnavailableError => err instanceof DbUnavailableError;

/** Turns a driver error outside of a row's insert into kstream's error for it. */
export function dbError(kind: DbKind, where: string, err: unknown): KstreamError {
  const failure = classify(kind, err);
  const message = `${where}: ${dbMessage(err)}`;
  if (failure === 'credentials') {
    return new ConnectionError(message, { hint: `check the user, the database name and the password (${kind === 'postgres' ? 'PGPASSWORD' : 'MYSQL_PWD'} or the URL)`, cause: err });
  }
  if (failure === 'unavailable') return new DbUnavailableError(message, err);
  return new UsageError(message, { hint: 'fix the table or the grants, then run again: the stage resumes from the offsets stored in the database', cause: err });
}
