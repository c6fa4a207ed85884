import { UsageError } from '../../../errors.js';
import type { TableName } from './dialect.js';
import type { DbFormat } from './rows.js';
import { displayUrl, parseDbUrl, type DbTarget } from './url.js';

/** A stage's database sink: where, which table, and how records become rows. */
export interface DbSinkSpec {
  target: DbTarget;
  table: TableName;
  format: DbFormat;
  columns?: string[];
  upsert?: string[];
}

/** --table, --db-format, --columns and --upsert (or the same keys in a pipeline file or the URL's query). */
export interface DbArgs {
  table?: string;
  dbFormat?: string;
  columns?: string;
  upsert?: string;
}

const names = (text: string, what: string): string[] => {
  const list = text.split(',').map((c) => c.trim());
  if (list.some((c) => c === '')) throw new UsageError(`${what} '${text}' has an empty name`, { hint: `write ${what} a,b,c` });
  return list;
};

export function parseTable(text: string): TableName {
  const dot = text.indexOf('.');
  const [schema, table] = dot === -1 ? [undefined, text] : [text.slice(0, dot), text.slice(dot + 1)];
  if (!table || schema === '') throw new UsageError(`--table '${text}' is not a table name`, { hint: 'write --table NAME or --table SCHEMA.NAME' });
  return schema === undefined ? { table } : { schema, table };
}

/** Flags win over the URL's query (`…/db?table=T&columns=a,b`), which the chain form uses. */
export function dbSinkSpec(url: string, args: DbArgs): DbSinkSpec {
  const target = parseDbUrl(url);
  const p = target.params;
  for (const key of Object.keys(p)) {
    if (!['table', 'format', 'columns', 'upsert'].includes(key)) throw new UsageError(`unknown parameter '${key}' in the database URL ${displayUrl(target)}`, { hint: 'the URL takes table, format, columns and upsert' });
  }
  const table = args.table ?? p.table;
  if (!table) throw new UsageError(`name the table to load with --table NAME (or ?table=NAME in the URL)`, { hint: `e.g. --to-db '${displayUrl(target)}' --table livetolldata` });
  const format = args.dbFormat ?? p.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new UsageError(`--db-format must be json or csv (got '${format}')`);
  const columns = args.columns ?? p.columns;
  const upsert = args.upsert ?? p.upsert;
  const spec: DbSinkSpec = { target, table: parseTable(table), format };
  if (columns !== undefined) spec.columns = names(columns, '--columns');
  if (upsert !== undefined) spec.upsert = names(upsert, '--upsert');
  if (spec.upsert && spec.columns) {
    const missing = spec.upsert.filter((k) => !spec.columns!.includes(k));
    if (missing.length) throw new UsageError(`--upsert ${missing.join(',')} is not among --columns ${spec.columns.join(',')}`);
  }
  return spec;
}

/** The sink as the graph and messages show it (no password). */
export const describeDbSink = (s: DbSinkSpec) => `db:${displayUrl(s.target)} table ${s.table.schema ? `${s.table.schema}.` : ''}${s.table.table}`;

/** A database stage's name (its table) and default consumer group. */
export function dbStageDefaults(from: string[], toDb: DbSinkSpec, group: string | undefined) {
  const table = toDb.table.schema ? `${toDb.table.schema}.${toDb.table.table}` : toDb.table.table;
  return { name: table, toDb, group: group ?? `kstream-pipeline-${from.join('+')}-db-${table}` };
}

/** --table and the like mean nothing without a database sink: say so rather than ignore them. */
export function rejectDbFlags(args: DbArgs): void {
  const given = (['table', 'dbFormat', 'columns', 'upsert'] as const).filter((k) => args[k] !== undefined);
  if (given.length) {
    const flag = given[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new UsageError(`--${flag} is for a database sink; add --to-db URL (or end the chain with db:URL)`);
  }
}

/** The keys of a pipeline file's stage for a database sink. */
export const DB_STAGE_KEYS = ['to-db', 'table', 'db-format', 'columns', 'upsert'];

/** A file stage's database sink (undefined without to-db); problems are reported, not thrown. */
export function dbFromStage(s: Record<string, unknown>, problem: (p: string) => void): DbSinkSpec | undefined {
  const text = (v: unknown) => (v === undefined ? undefined : Array.isArray(v) ? v.map(String).join(',') : String(v));
  if (s['to-db'] === undefined) {
    const stray = DB_STAGE_KEYS.find((k) => k !== 'db-format' && s[k] !== undefined);
    if (stray) problem(`${stray} is for a database sink; add to-db: URL`);
    return undefined;
  }
  if (typeof s['to-db'] !== 'string') {
    problem('to-db must be a URL such as postgres://USER@HOST:5432/DB');
    return undefined;
  }
  try {
    return dbSinkSpec(s['to-db'], { table: text(s.table), dbFormat: text(s['db-format']), columns: text(s.columns), upsert: text(s.upsert) });
  } catch (err) {
    problem((err as Error).message.replace(/--(table|db-format|columns|upsert)\b/g, '$1:'));
    return undefined;
  }
}
