import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export const BIN = fileURLToPath(new URL('../../bin/kstream.js', import.meta.url));
// An empty config file: a KSTREAM_CONFIG naming a file that does not exist is an error.
export const NO_CONFIG = join(tmpdir(), 'kstream-tests-no-config', 'config.yaml');
mkdirSync(dirname(NO_CONFIG), { recursive: true });
writeFileSync(NO_CONFIG, '');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
  /** Kill the process after this long (a safety net, not an assertion). */
  killAfterMs?: number;
  /** Pass no broker address (for tests of the default and of the env variable). */
  noBrokers?: boolean;
}

/** The broker the global setup started (or KSTREAM_TEST_BROKERS). */
export function brokers(): string {
  return inject('brokers');
}

/** A topic or group name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Runs the built CLI as a user would, with the test broker in KSTREAM_BROKERS. */
export async function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...opts.env };
  if (!opts.noBrokers) env.KSTREAM_BROKERS ??= brokers();
  // The developer's own profiles (SASL, TLS, a current profile) must not leak into tests.
  if (!opts.env || !('KSTREAM_CONFIG' in opts.env)) env.KSTREAM_CONFIG = NO_CONFIG;
  if (!opts.env || !('KSTREAM_PROFILE' in opts.env)) delete env.KSTREAM_PROFILE;
  return outcome(spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] }), opts.input, opts.killAfterMs ?? 120_000);
}

/** Feeds `input` to the child and resolves with its exit and output once it closes; killed after `killAfterMs`. */
function outcome(child: ChildProcessWithoutNullStreams, input: string | Buffer | undefined, killAfterMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** A directory holding a `kstream` that runs this build, as `npm link` would: put it on PATH. */
export function kstreamShim(prefix = 'kstream-shim-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'kstream'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(dir, 'kstream'), 0o755);
  return dir;
}

export interface ScriptOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  /** bash's options before `-c`, e.g. ['-euo', 'pipefail']. */
  flags?: string[];
  killAfterMs?: number;
}

/** Runs a shell script as a user at a prompt would, with NO_COLOR set. */
export async function runScript(script: string, opts: ScriptOptions = {}): Promise<CliResult> {
  const env = { ...process.env, NO_COLOR: '1', ...opts.env };
  // --norc: with a socket on stdin (node's pipes are socket pairs) and SHLVL unset, bash takes
  // itself for an rshd session and sources /etc/bash.bashrc while stdin is still open, which under
  // -u writes "PS1: unbound variable" to stderr.
  return outcome(spawn('bash', ['--norc', ...(opts.flags ?? []), '-c', script], { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] }), opts.input, opts.killAfterMs ?? 50_000);
}

export interface BytesResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs any command to its end, keeping stdout as bytes, for binary comparisons. */
export function runBytes(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: Buffer | string } = {}): Promise<BytesResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}
