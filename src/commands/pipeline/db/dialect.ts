import { JsonCell, type Cell } from './rows.js';
import type { DbKind } from './url.js';

/** The SQL that differs between PostgreSQL and MySQL/MariaDB. */
export interface Dialect {
  kind: DbKind;
  /** Shown in messages. */
  product: string;
  quote(identifier: string): string;
  /** Placeholder of the n-th parameter (1-based). */
  param(n: number): string;
  /** Most parameters in one statement (both protocols count them in 16 bits). */
  maxParams: number;
  upsertClause(columns: string[], keys: string[]): string;
  /** A row value as the driver's parameter. */
  cell(value: Cell): string | number | null;
  offsetsTableDdl: string;
  /** Columns of (schema or the current one, table) in table order; parameters: schema (or null), table. */
  columnsSql: string;
}

export const postgres: Dialect = {
  kind: 'postgres',
  product: 'PostgreSQL',
  quote: (id) => `"${id.replace(/"/g, '""')}"`,
  param: (n) => `$${n}`,
  maxParams: 65_535,
  upsertClause(columns, keys) {
    const rest = columns.filter((c) => !keys.includes(c));
    const target = keys.map(postgres.quote).join(', ');
    if (rest.length === 0) return ` ON CONFLICT (${target}) DO NOTHING`;
    return ` ON CONFLICT (${target}) DO UPDATE SET ${rest.map((c) => `${postgres.quote(c)} = EXCLUDED.${postgres.quote(c)}`).join(', ')}`;
  },
  cell: (v) => (v instanceof JsonCell ? v.toString() : typeof v === 'boolean' ? String(v) : v),
  offsetsTableDdl: `CREATE TABLE IF NOT EXISTS kstream_offsets (stage text NOT NULL, topic text NOT NULL, "partition" integer NOT NULL, next_offset bigint NOT NULL, PRIMARY KEY (stage, topic, "partition"))`,
  columnsSql: `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = COALESCE($1, current_schema()) AND table_name = $2 ORDER BY ordinal_position`,
};

export const mysql: Dialect = {
  kind: 'mysql',
  product: 'MySQL',
  quote: (id) => `\`${id.replace(/`/g, '``')}\``,
  param: () => '?',
  maxParams: 65_535,
  upsertClause(columns, keys) {
    const rest = columns.filter((c) => !keys.includes(c));
    // MySQL finds the conflicting unique key itself; with nothing else to set, keep the row as it is.
    const set = rest.length ? rest : keys.slice(0, 1);
    return ` ON DUPLICATE KEY UPDATE ${set.map((c) => `${mysql.quote(c)} = VALUES(${mysql.quote(c)})`).join(', ')}`;
  },
  // No boolean type: TINYINT(1).
  cell: (v) => (v instanceof JsonCell ? v.toString() : typeof v === 'boolean' ? (v ? 1 : 0) : v),
  offsetsTableDdl: `CREATE TABLE IF NOT EXISTS kstream_offsets (stage VARCHAR(255) NOT NULL, topic VARCHAR(249) NOT NULL, \`partition\` INT NOT NULL, next_offset BIGINT NOT NULL, PRIMARY KEY (stage, topic, \`partition\`)) ENGINE=InnoDB`,
  columnsSql: `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? ORDER BY ordinal_position`,
};

export const dialectFor = (kind: DbKind): Dialect => (kind === 'postgres' ? postgres : mysql);

export interface TableName {
  schema?: string;
  table: string;
}

export const qualified = (d: Dialect, t: TableName) => (t.schema ? `${d.quote(t.schema)}.${d.quote(t.table)}` : d.quote(t.table));

/** One multi-row INSERT of `rows` rows; the parameters are the rows' values in order. */
export function insertSql(d: Dialect, t: TableName, columns: string[], rows: number, upsert?: string[]): string {
  let n = 0;
  const tuple = () => `(${columns.map(() => d.param(++n)).join(', ')})`;
  const values = Array.from({ length: rows }, tuple).join(', ');
  return `INSERT INTO ${qualified(d, t)} (${columns.map(d.quote).join(', ')}) VALUES ${values}${upsert ? d.upsertClause(columns, upsert) : ''}`;
}

/** PostgreSQL: one INSERT of a JSON array of row objects ($1), typed by the table's own row type. */
export function jsonInsertSql(t: TableName, columns: string[], upsert?: string[]): string {
  const cols = columns.map(postgres.quote).join(', ');
  return `INSERT INTO ${qualified(postgres, t)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${qualified(postgres, t)}, $1)${upsert ? postgres.upsertClause(columns, upsert) : ''}`;
}
