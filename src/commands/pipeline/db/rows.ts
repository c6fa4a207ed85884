import { TransformError, type Origin, type PipeRecord } from '../record.js';

export type DbFormat = 'json' | 'csv';
/** A JSON object or array bound for a json column: JSON text as a parameter, itself inside a JSON batch. */
export class JsonCell {
  constructor(readonly value: object) {}
  toString(): string {
    return JSON.stringify(this.value);
  }
  toJSON(): object {
    return this.value;
  }
}

export type Cell = string | number | boolean | null | JsonCell;

/** One row to insert, and the record it came from (for error messages and the dead-letter topic). */
export interface Row {
  columns: string[];
  values: Cell[];
  record: PipeRecord;
}

/** Rows with the same columns: one multi-row INSERT. */
export interface RowGroup {
  columns: string[];
  rows: Row[];
}

export interface RowOptions {
  format: DbFormat;
  /** --columns: these fields, in this order. */
  columns?: string[];
  /** --upsert: within a batch, only the last row of each key is kept (one statement may not touch a row twice). */
  upsert?: string[];
}

export const describeOrigin = (o: Origin | undefined) => (o ? `${o.topic} partition ${o.partition} offset ${o.offset}` : 'a record made by --exec');

/** The batch's records as rows, grouped by their columns. Throws a TransformError for a record that is not a row. */
export function toRowGroups(records: PipeRecord[], opts: RowOptions, tableColumns: string[]): RowGroup[] {
  const groups = new Map<string, RowGroup>();
  for (const r of records) {
    const row = opts.format === 'csv' ? csvRow(r, opts.columns ?? tableColumns) : jsonRow(r, opts.columns);
    const key = row.columns.join('\u0000');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { columns: row.columns, rows: [] }));
    group.rows.push(row);
  }
  const out = [...groups.values()];
  return opts.upsert ? out.map((g) => lastPerKey(g, opts.upsert!)) : out;
}

function jsonRow(r: PipeRecord, columns: string[] | undefined): Row {
  const text = r.value?.toString('utf8');
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const shown = text === undefined ? 'no value' : `'${text.length > 60 ? text.slice(0, 60) + '…' : text}'`;
    throw new TransformError(`the record at ${describeOrigin(r.origin)} is not a JSON object (${shown}); map it to one, or pass --db-format csv`);
  }
  const obj = parsed as Record<string, unknown>;
  const cols = columns ?? Object.keys(obj);
  if (cols.length === 0) throw new TransformError(`the record at ${describeOrigin(r.origin)} is an empty JSON object: no columns to insert`);
  return { columns: cols, values: cols.map((c) => cell(obj[c])), record: r };
}

function csvRow(r: PipeRecord, columns: string[]): Row {
  const fields = parseCsvLine(r.value?.toString('utf8') ?? '');
  if (fields.length !== columns.length) {
    throw new TransformError(`the record at ${describeOrigin(r.origin)} has ${fields.length} CSV field${fields.length === 1 ? '' : 's'} for ${columns.length} columns (${columns.join(', ')})`);
  }
  return { columns, values: fields, record: r };
}

/** A JSON value as a query parameter: objects and arrays as JSON text (for json columns). */
function cell(v: unknown): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return new JsonCell(v as object);
}

/**
 * One CSV line (RFC 4180: fields in double quotes may hold commas, quotes doubled, newlines).
 * As in PostgreSQL's COPY … CSV: an empty unquoted field is NULL, a quoted empty one ("") is ''.
 */
export function parseCsvLine(text: string): Array<string | null> {
  const line = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  const fields: Array<string | null> = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      for (i++; ; i++) {
        if (i >= line.length) throw new TransformError(`unterminated quote in the CSV line '${line.slice(0, 60)}'`);
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i++;
        } else if (line[i] === '"') break;
        else value += line[i];
      }
      i++;
      if (i < line.length && line[i] !== ',') throw new TransformError(`text after a closing quote in the CSV line '${line.slice(0, 60)}'`);
      fields.push(value);
    } else {
      const end = line.indexOf(',', i);
      const value = line.slice(i, end === -1 ? line.length : end);
      fields.push(value === '' ? null : value);
      i = end === -1 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

function lastPerKey(group: RowGroup, keys: string[]): RowGroup {
  const at = keys.map((k) => group.columns.indexOf(k));
  const missing = keys.filter((_, i) => at[i] === -1);
  if (missing.length) {
    const row = group.rows[0]!;
    throw new TransformError(`the record at ${describeOrigin(row.record.origin)} has no ${missing.join(', ')} for --upsert (its columns: ${group.columns.join(', ')})`);
  }
  const byKey = new Map<string, Row>();
  for (const row of group.rows) {
    const key = JSON.stringify(at.map((i) => row.values[i]));
    byKey.delete(key);
    byKey.set(key, row);
  }
  return { columns: group.columns, rows: [...byKey.values()] };
}
