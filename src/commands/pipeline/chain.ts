import { UsageError } from '../../errors.js';
import { validateTopicName } from '../../kafka/topic.js';
import type { ExecFormat, TransformSpec } from './transforms.js';

/**
 * A stage written the shell way:
 *
 *   topic:SRC | STEP | STEP … | topic:DST        or   … | exec:SINK-COMMAND   or   … | db:URL?table=T
 *
 * Elements are split on `|` outside single quotes, double quotes and backslash escapes; `||` stays
 * inside a command. The first element must be `topic:NAME`, the last `topic:NAME` or `exec:CMD`.
 * A middle element is `map:EXPR`, `filter:EXPR`, `exec:CMD`, or else a shell command. Shell commands
 * next to each other run as one `sh -c 'a | b'` per batch, so the batch fails only if the last one
 * fails, as in a shell (`grep -v DEBUG | jq -c .` is fine when grep selects nothing).
 */
export interface Chain {
  from: string;
  to?: string;
  toExec?: string;
  /** A database URL (postgres:// or mysql://), with ?table=… */
  toDb?: string;
  transforms: TransformSpec[];
}

/** Splits on top-level `|`, keeping each element's text as written (it is handed to sh as is). */
export function splitChain(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      current += c;
      if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else if (c === quote) quote = undefined;
    } else if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === '|' && text[i + 1] === '|') {
      current += '||';
      i++;
    } else if (c === '|') {
      parts.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (quote) throw new UsageError(`unterminated ${quote} quote in the pipeline '${text}'`);
  parts.push(current.trim());
  const empty = parts.findIndex((p) => p === '');
  if (empty !== -1) throw new UsageError(`element ${empty + 1} of the pipeline '${text}' is empty`, { hint: "write 'topic:SRC | COMMAND | topic:DST'" });
  return parts;
}

const prefixed = (element: string, prefix: string): string | undefined =>
  element.startsWith(prefix) ? element.slice(prefix.length).trim() : undefined;

export function parseChain(text: string, exec: { format: ExecFormat; timeoutMs: number }): Chain {
  const parts = splitChain(text);
  const hint = "write 'topic:SRC | STEP | … | topic:DST' (or end with exec:COMMAND)";
  if (parts.length < 2) throw new UsageError(`the pipeline '${text}' needs a source and a destination`, { hint });
  const from = prefixed(parts[0]!, 'topic:');
  if (from === undefined) throw new UsageError(`the pipeline must start with topic:NAME, not '${parts[0]}'`, { hint });
  const last = parts.at(-1)!;
  const to = prefixed(last, 'topic:');
  const toExec = prefixed(last, 'exec:');
  const toDb = prefixed(last, 'db:');
  if (to === undefined && toExec === undefined && toDb === undefined) throw new UsageError(`the pipeline must end with topic:NAME, exec:COMMAND or db:URL, not '${last}'`, { hint });
  const transforms = joinShellSteps(parts.slice(1, -1).map((p, i) => step(p, i + 2, exec)), parts.slice(1, -1));
  if (toDb !== undefined) return { from: validateTopicName(from), toDb: nonEmpty(toDb, 'db:'), transforms };
  return { from: validateTopicName(from), ...(to !== undefined ? { to: validateTopicName(to) } : { toExec: nonEmpty(toExec!, 'exec:') }), transforms };
}

/** Merges runs of plain shell elements (not written as exec:) into one pipeline command. */
function joinShellSteps(steps: TransformSpec[], elements: string[]): TransformSpec[] {
  const out: TransformSpec[] = [];
  steps.forEach((s, i) => {
    const prev = out.at(-1);
    const plain = (j: number) => steps[j]!.kind === 'exec' && !elements[j]!.startsWith('exec:');
    if (s.kind === 'exec' && prev?.kind === 'exec' && plain(i) && plain(i - 1)) prev.command += ` | ${s.command}`;
    else out.push({ ...s });
  });
  return out;
}

function step(element: string, position: number, exec: { format: ExecFormat; timeoutMs: number }): TransformSpec {
  if (element.startsWith('topic:')) {
    throw new UsageError(`element ${position} '${element}' is a topic in the middle of the pipeline`, {
      hint: 'a chain reads one topic and writes one; use -f pipeline.yaml for several stages',
    });
  }
  const map = prefixed(element, 'map:');
  if (map !== undefined) return { kind: 'map', expr: nonEmpty(map, 'map:') };
  const filter = prefixed(element, 'filter:');
  if (filter !== undefined) return { kind: 'filter', expr: nonEmpty(filter, 'filter:') };
  const command = prefixed(element, 'exec:') ?? element;
  return { kind: 'exec', command: nonEmpty(command, 'exec:'), ...exec };
}

function nonEmpty(text: string, what: string): string {
  if (text === '') throw new UsageError(`'${what}' needs something after the colon`);
  return text;
}
