import { UsageError } from '../../../errors.js';
import type { TableName } from './dialect.js';
import { dbError } from './errors.js';
import type { DbSession } from './session.js';

/** The table's columns in table order; a usage error when there is no such table. */
export async function tableColumns(s: DbSession, t: TableName): Promise<string[]> {
  let rows: Array<Record<string, unknown>>;
  try {
    rows = (await s.query(s.dialect.columnsSql, [t.schema ?? null, t.table])).rows;
  } catch (err) {
    throw dbError(s.dialect.kind, `cannot read the columns of ${t.table} in ${s.shown}`, err);
  }
  const name = t.schema ? `${t.schema}.${t.table}` : t.table;
  if (rows.length === 0) {
    throw new UsageError(`${s.shown} has no table ${name}`, { hint: 'create it first (kstream does not guess column types); names are case-sensitive' });
  }
  return rows.map((r) => String(r.name ?? r.NAME));
}
