import type { Context } from './context.js';
import { KstreamError, ExitCode } from './errors.js';
import { renderTable, type OutputFormat } from './output.js';

/** The outcome of one item of a bulk command (one topic created, one group deleted…). */
export interface ItemStatus {
  name: string;
  ok: boolean;
  message: string;
  exitCode?: number;
}

/**
 * Reports every item, then fails if any did: a table on stderr for eyes, or JSON on stdout.
 * The error carries the exit code of the first failure.
 */
export function reportItems(ctx: Context, what: string, items: ItemStatus[], output: OutputFormat | undefined): void {
  if (output === 'json') {
    ctx.io.stdout.write(JSON.stringify(items.map(({ name, ok, message }) => ({ name, ok, message }))) + '\n');
  } else {
    const rows = items.map((i) => [i.name, i.ok ? ctx.color.green('OK') : ctx.color.red('FAILED'), i.message]);
    ctx.io.stderr.write(renderTable({ head: [what.toUpperCase(), 'STATUS', 'MESSAGE'], rows }));
  }
  const failed = items.filter((i) => !i.ok);
  if (failed.length > 0) {
    const first = failed[0]!;
    const summary = failed.length === 1 ? `${what} '${first.name}': ${first.message}` : `${failed.length} of ${items.length} ${what}s failed; first: '${first.name}': ${first.message}`;
    throw new KstreamError(summary, { exitCode: first.exitCode ?? ExitCode.KAFKA });
  }
}
