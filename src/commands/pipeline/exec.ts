import { spawn } from 'node:child_process';
import { TransformError } from './record.js';

export interface ExecOptions {
  /** 0 means no limit. */
  timeoutMs: number;
  /** The command's own stderr is passed through here, and the "waiting" note on a first Ctrl-C. */
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on the first Ctrl-C: the command may finish its batch; `killRunningCommands` ends it. */
  signal?: AbortSignal;
}

/**
 * Process groups of the commands running now. Each command runs in its own group (detached), so a
 * terminal's Ctrl-C does not reach it and a kill reaches every process of its shell pipeline; this
 * list is how a second Ctrl-C, or the end of kstream, ends them instead of leaving them orphaned.
 */
const runningGroups = new Set<number>();

/** Kills every command still running (second Ctrl-C, or kstream exiting with a command in flight). */
export function killRunningCommands(): number {
  const n = runningGroups.size;
  for (const pid of runningGroups) killGroup(pid);
  runningGroups.clear();
  return n;
}

/**
 * Runs `sh -c command` once: writes `input` to its stdin, closes it, and resolves with every byte it
 * printed. A non-zero exit, a signal or the timeout rejects with a TransformError.
 */
export function runExec(command: string, input: Buffer, opts: ExecOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env, detached: true });
    const pid = child.pid;
    if (pid !== undefined) runningGroups.add(pid);
    const out: Buffer[] = [];
    let errTail = '';
    let timedOut = false;
    const timer = opts.timeoutMs > 0 ? setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid);
    }, opts.timeoutMs) : undefined;
    const onAbort = () => opts.stderr.write(`waiting for '${command}' to finish its batch (press Ctrl-C again to kill it and exit now)\n`);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (pid !== undefined) runningGroups.delete(pid);
    };
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      opts.stderr.write(d);
      errTail = (errTail + d.toString('utf8')).slice(-400);
    });
    // A command may exit without reading all of stdin (head, a failing script): not an error by itself.
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => {
      done();
      reject(new TransformError(`could not run '${command}': ${err.message}`));
    });
    child.on('close', (code, signal) => {
      done();
      if (timedOut) return reject(new TransformError(`'${command}' did not finish within ${opts.timeoutMs}ms (--exec-timeout)`));
      if (code !== 0) {
        const why = signal ? `was killed by ${signal}` : `exited ${code}`;
        const last = errTail.trim().split('\n').at(-1);
        return reject(new TransformError(`'${command}' ${why}${last ? `: ${last}` : ''}`));
      }
      resolve(Buffer.concat(out));
    });
    // One write: the pipe applies backpressure itself and stdin is closed right after.
    child.stdin.end(input);
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

const NEWLINE = 0x0a;

/** Values as lines for a command's stdin: each value's bytes, then `\n` (a null value is an empty line). */
export function joinLines(values: Array<Buffer | null>): Buffer {
  const parts: Buffer[] = [];
  const nl = Buffer.from('\n');
  for (const v of values) {
    if (v) parts.push(v);
    parts.push(nl);
  }
  return Buffer.concat(parts);
}

/**
 * Lines of `bytes`, split on `\n` only and never decoded, so any byte (NUL, invalid UTF-8, `\r`)
 * passes through; a final line without a newline counts, a trailing newline adds no empty line.
 */
export function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, start)) {
    lines.push(bytes.subarray(start, i));
    start = i + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}
