import { createRequire } from 'node:module';
import type TableType from 'cli-table3';
import type { Options } from 'yargs';
import type { Io } from './context.js';

export type OutputFormat = 'table' | 'plain' | 'json';

export const outputOption = {
  output: {
    alias: 'o',
    choices: ['table', 'plain', 'json'] as const,
    describe: 'Output format (default: table on a terminal, plain when piped)',
    requiresArg: true,
  },
} satisfies Record<string, Options>;

/** A read command's result, shaped once and rendered in any format. */
export interface View {
  /** Column names for table and plain output. */
  head: string[];
  rows: Array<Array<string | number | boolean | null | undefined>>;
  /** The machine-stable shape printed by --output json. */
  json: unknown;
  /** Lines to print instead of rows when plain (e.g. only topic names). */
  plain?: string[];
  /** Extra sections under the main table (e.g. configs), printed in table and plain modes. */
  sections?: Array<{ title: string; view: Omit<View, 'json' | 'sections'> }>;
}

export function resolveFormat(flag: OutputFormat | undefined, stdout: { isTTY?: boolean }): OutputFormat {
  return flag ?? (stdout.isTTY ? 'table' : 'plain');
}

function cell(value: string | number | boolean | null | undefined): string {
  return value === null || value === undefined ? '-' : String(value);
}

/** cli-table3, loaded by the first table printed: commands that print none (and `--help`) skip it. */
let Table: typeof TableType | undefined;

export function renderTable(view: Pick<View, 'head' | 'rows'>): string {
  Table ??= createRequire(import.meta.url)('cli-table3') as typeof TableType;
  const table = new Table({
    head: view.head,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of view.rows) table.push(row.map(cell));
  return table.toString() + '\n';
}

export function renderPlain(view: Pick<View, 'head' | 'rows' | 'plain'>): string {
  if (view.plain) return view.plain.map((l) => l + '\n').join('');
  const lines = [view.head.join('\t'), ...view.rows.map((r) => r.map(cell).join('\t'))];
  return lines.join('\n') + '\n';
}

export function render(view: View, format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(view.json) + '\n';
  const one = format === 'table' ? renderTable : renderPlain;
  let out = one(view);
  for (const section of view.sections ?? []) {
    if (section.view.rows.length === 0) continue;
    out += `\n${section.title}\n` + (format === 'table' ? renderTable(section.view) : renderPlain({ ...section.view, plain: undefined }));
  }
  return out;
}

/** Prints a view on stdout in the chosen format. */
export function printView(io: Pick<Io, 'stdout'>, view: View, flag: OutputFormat | undefined): void {
  io.stdout.write(render(view, resolveFormat(flag, io.stdout)));
}
