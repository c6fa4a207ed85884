import { spawn } from 'node:child_process';
import { TransformError } from './record.js';

export interface ExecOptions {
  /** 0 means no limit. */
  timeoutMs: number;
  /** The command's own stderr is passed through here. */
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * Runs `sh -c command` once: writes `lines` to its stdin, closes it, and resolves with every line it
 * printed. A non-zero exit, a signal or the timeout rejects with a TransformError.
 */
export function runExec(command: string, lines: string[], opts: ExecOptions): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout also kills the commands of a shell pipeline inside it.
    const child = spawn('sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env, detached: true });
    const out: Buffer[] = [];
    let errTail = '';
    let timedOut = false;
    const timer = opts.timeoutMs > 0 ? setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, opts.timeoutMs) : undefined;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      opts.stderr.write(d);
      errTail = (errTail + d.toString('utf8')).slice(-400);
    });
    // A command may exit without reading all of stdin (head, a failing script): not an error by itself.
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new TransformError(`could not run '${command}': ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new TransformError(`'${command}' did not finish within ${opts.timeoutMs}ms (--exec-timeout)`));
      if (code !== 0) {
        const why = signal ? `was killed by ${signal}` : `exited ${code}`;
        const last = errTail.trim().split('\n').at(-1);
        return reject(new TransformError(`'${command}' ${why}${last ? `: ${last}` : ''}`));
      }
      resolve(splitLines(Buffer.concat(out).toString('utf8')));
    });
    writeAll(child.stdin, lines);
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function writeAll(stdin: NodeJS.WritableStream, lines: string[]): void {
  // One write: the pipe applies backpressure itself and stdin is closed right after.
  stdin.end(lines.length ? lines.join('\n') + '\n' : '');
}

/** Lines of `text`; a final line without a newline counts, a trailing newline adds no empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
