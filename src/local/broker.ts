import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { probeBrokerCount } from '../kafka/admin/index.js';
import { ExitCode, KstreamError } from '../errors.js';
import { checkJava, ensureKafkaJars, homeLauncher, jarLauncher, type JvmOptions, type KafkaLauncher } from './distribution.js';
import { LOG4J_PROPERTIES, newClusterId, serverProperties } from './server-config.js';
import type { ExtraListener } from './security.js';

/** What a client needs to use the SASL and TLS listeners; kept in the state file for `local status`. */
export interface SecurityInfo {
  saslMechanisms?: string[];
  saslUsers?: string[];
  /** SASL users the authorizer lets do anything; set when the broker runs one. */
  superUsers?: string[];
  tlsCa?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
}

export interface StartOptions {
  dataDir: string;
  port: number;
  /** Default: a free port chosen at first start and kept in the state file. */
  controllerPort?: number;
  kafkaHome?: string;
  /** How long to wait for the broker to answer metadata requests. */
  waitMs: number;
  env: NodeJS.ProcessEnv;
  onProgress: (line: string) => void;
  /** Extra server properties (SASL/TLS listeners); see server-config.ts. */
  extraProperties?: Record<string, string>;
  /** Extra arguments for `kafka-storage format`, e.g. --add-scram. */
  formatArgs?: string[];
  /** SASL_PLAINTEXT and SSL listeners next to PLAINTEXT (whose port stays `port`). */
  extraListeners?: ExtraListener[];
  security?: SecurityInfo;
  /** The address clients should use; default 127.0.0.1:<port>. */
  bootstrap?: string;
}

/** What `local status` reads back; kept in <data-dir>/kstream-local.json. */
export interface BrokerState {
  pid: number;
  port: number;
  controllerPort: number;
  bootstrap: string;
  dataDir: string;
  logFile: string;
  startedAt: string;
  kafka: string;
  /** Bootstrap address of each extra listener by protocol, e.g. { SASL_PLAINTEXT: '127.0.0.1:9093' }. */
  listeners?: Record<string, string>;
  security?: SecurityInfo;
}

export const stateFile = (dataDir: string) => join(dataDir, 'kstream-local.json');

export function readState(dataDir: string): BrokerState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(dataDir), 'utf8')) as BrokerState;
  } catch {
    return undefined;
  }
}

/** True while `pid` runs. A zombie (killed, not yet reaped by a parent that may never do so) is not running. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.state !== 'Z';
}

/** The state letter of /proc/PID/stat, or undefined where there is no /proc (not Linux). */
function procStat(pid: number): { state: string } | undefined {
  try {
    // "PID (COMMAND) STATE …": the command may hold spaces and parentheses, so read after the last ')'.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return { state: text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) };
  } catch {
    return undefined;
  }
}

/**
 * True if `pid` is the broker of `dataDir`: its command line names the data dir's server.properties.
 * After a kill -9 or a reboot the recorded pid may be gone, a zombie, or another process's.
 */
function isBrokerOf(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return false;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return existsSync('/proc/self') ? false : true; // no /proc: alive is all that can be known
  }
  return cmdline.split('\0').includes(layout(dataDir).config);
}

/** The running broker of this data dir, or undefined (a stale state file counts as not running). */
export function brokerStatus(dataDir: string): BrokerState | undefined {
  const dir = resolve(dataDir);
  const state = readState(dir);
  return state && isBrokerOf(state.pid, dir) ? state : undefined;
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => done(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export async function launcherFor(opts: Pick<StartOptions, 'env' | 'kafkaHome' | 'onProgress'>, log4jFile: string, jvm?: JvmOptions): Promise<KafkaLauncher> {
  checkJava(opts.env);
  const home = opts.kafkaHome ?? opts.env.KAFKA_HOME;
  if (home) return homeLauncher(resolve(home), jvm);
  return jarLauncher(await ensureKafkaJars(opts.env, opts.onProgress), log4jFile, opts.env, jvm);
}

/** Starts a detached one-node KRaft broker and resolves once it answers metadata requests. */
export async function startBroker(opts: StartOptions): Promise<BrokerState> {
  const dataDir = resolve(opts.dataDir);
  const running = brokerStatus(dataDir);
  if (running) {
    throw new KstreamError(`a local broker is already running at ${running.bootstrap} (pid ${running.pid})`, {
      exitCode: ExitCode.USAGE,
      hint: 'stop it with `kstream local stop`, or pass another --data-dir',
    });
  }
  mkdirSync(dataDir, { recursive: true });
  const previous = readState(dataDir);
  const controllerPort = opts.controllerPort ?? (previous?.port === opts.port ? previous.controllerPort : undefined) ?? (await freePort());
  const flags = { SASL_PLAINTEXT: '--sasl-port', SSL: '--tls-port', SASL_SSL: '--sasl-ssl-port' };
  const extraPorts = (opts.extraListeners ?? []).map((l) => [l.port, flags[l.name]] as const);
  for (const [port, flag] of [[opts.port, '--port'], [controllerPort, '--controller-port'], ...extraPorts] as const) {
    if (!(await portIsFree(port))) {
      throw new KstreamError(`port ${port} on 127.0.0.1 is already in use`, { exitCode: ExitCode.USAGE, hint: `choose another with ${flag}` });
    }
  }
  const files = layout(dataDir);
  writeFileSync(files.log4j, LOG4J_PROPERTIES);
  const launcher = await launcherFor(opts, files.log4j);
  writeFileSync(files.config, serverProperties({ port: opts.port, controllerPort, logDirs: files.logDirs, extraListeners: opts.extraListeners, extra: opts.extraProperties }));
  if (!existsSync(join(files.logDirs, 'meta.properties'))) await format(launcher, files, opts);

  const bootstrap = opts.bootstrap ?? `127.0.0.1:${opts.port}`;
  const pid = spawnDetached(launcher, files, opts.env);
  const state: BrokerState = {
    pid, port: opts.port, controllerPort, bootstrap, dataDir, logFile: files.log, startedAt: new Date().toISOString(), kafka: launcher.description,
  };
  if (opts.extraListeners?.length) state.listeners = Object.fromEntries(opts.extraListeners.map((l) => [l.name, `127.0.0.1:${l.port}`]));
  if (opts.security) state.security = opts.security;
  writeFileSync(stateFile(dataDir), JSON.stringify(state, null, 2) + '\n');
  try {
    await waitUntilReady(state, opts.waitMs, `127.0.0.1:${opts.port}`);
  } catch (err) {
    await killAndWait(pid, 10_000);
    throw err;
  }
  return state;
}

/** True once the storage of this data dir is formatted (after its first start). */
export function isFormatted(dataDir: string): boolean {
  return existsSync(join(layout(resolve(dataDir)).logDirs, 'meta.properties'));
}

export function layout(dataDir: string) {
  return {
    config: join(dataDir, 'server.properties'),
    log4j: join(dataDir, 'log4j.properties'),
    log: join(dataDir, 'server.log'),
    logDirs: join(dataDir, 'kraft-logs'),
  };
}

async function format(launcher: KafkaLauncher, files: ReturnType<typeof layout>, opts: StartOptions): Promise<void> {
  await formatStorage(launcher, files, newClusterId(() => randomBytes(16)), opts.env, opts.formatArgs ?? []);
}

/** `kafka-storage format` of one node's log dir; the nodes of one cluster share its id. */
export async function formatStorage(launcher: KafkaLauncher, files: ReturnType<typeof layout>, clusterId: string, env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<void> {
  const [cmd, ...args] = launcher.formatCommand(files.config, clusterId, extraArgs);
  // Asynchronous, so that the nodes of a cluster format at the same time (each is a JVM start).
  const result = await new Promise<{ failed: boolean; output: string }>((done) => {
    execFile(cmd!, args, { encoding: 'utf8', env: { ...env, ...launcher.env } }, (err, stdout, stderr) => {
      done({ failed: err !== null, output: `${stdout ?? ''}${stderr ?? ''}`.trim() || (err?.message ?? '') });
    });
  });
  if (result.failed) {
    throw new KstreamError(`formatting the broker's storage failed: ${result.output.split('\n').slice(-3).join(' ')}`);
  }
}

export function spawnDetached(launcher: KafkaLauncher, files: ReturnType<typeof layout>, env: NodeJS.ProcessEnv): number {
  const [cmd, ...args] = launcher.serverCommand(files.config);
  const out = openSync(files.log, 'a');
  try {
    const child = spawn(cmd!, args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...env, ...launcher.env, LOG_DIR: join(files.logDirs, '..', 'logs') },
    });
    child.unref();
    if (child.pid === undefined) throw new KstreamError(`could not start ${cmd}`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** Polls metadata until the broker answers; fails early, with its log, if the process dies. */
function waitUntilReady(state: BrokerState, waitMs: number, address: string): Promise<void> {
  return waitUntilUp(state, waitMs, {
    up: async () => (await probeBrokerCount(address)) > 0,
    exited: () => {
      const { cause, errors } = explainLog(tail(state.logFile, 2000));
      return { message: `the broker exited while starting: ${cause}`, details: errors };
    },
    late: 'the broker did not answer',
  });
}

/**
 * Polls `up` (given the deadline) every 250 ms until it holds, for at most `waitMs`; fails at once
 * if the process exits first, and after the deadline with the end of its log.
 */
export async function waitUntilUp(proc: { pid: number; logFile: string }, waitMs: number, check: {
  up: (deadline: number) => Promise<boolean>;
  /** Why the process exited, in words, and what of its log shows it. */
  exited: () => { message: string; details: string };
  /** What did not happen in time: `the broker did not answer`. */
  late: string;
}): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!isAlive(proc.pid)) {
      const { message, details } = check.exited();
      throw new KstreamError(message, { details, hint: `see the whole log in ${proc.logFile}` });
    }
    if (await check.up(deadline)) return;
    await sleep(250);
  }
  throw new KstreamError(`${check.late} within ${Math.round(waitMs / 1000)}s`, {
    details: tail(proc.logFile, 15),
    hint: `see ${proc.logFile}, or wait longer with --wait`,
  });
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The error lines of a broker log and the root cause of its last error, for start-up failures. */
export function explainLog(text: string): { cause: string; errors: string } {
  const lines = text.split('\n');
  const errorAt = lines.flatMap((l, i) => (/^\[[^\]]*\] (ERROR|FATAL) /.test(l) ? [i] : []));
  if (errorAt.length === 0) return { cause: 'no error in its log', errors: lines.slice(-10).join('\n') };
  const last = errorAt.at(-1)!;
  const nextEntry = lines.findIndex((l, i) => i > last && l.startsWith('['));
  const block = lines.slice(last, nextEntry === -1 ? undefined : nextEntry);
  const causes = block.filter((l) => /^(Caused by: )?[\w.$]+(Exception|Error)\b/.test(l)).map((l) => l.replace(/^Caused by: /, ''));
  // The deepest cause from Kafka itself says more than a bare java.net one ("failed to bind to …").
  const cause = causes.filter((c) => !c.startsWith('java.')).at(-1) ?? causes.at(-1) ?? block[0]!.replace(/^\[[^\]]*\]\s*/, '');
  return { cause: cause.slice(0, 300), errors: errorAt.slice(-8).map((i) => lines[i]).join('\n') };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function killAndWait(pid: number, graceMs: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  return true;
}

/** Stops the broker of this data dir; returns its state, or undefined if none was running. */
export async function stopBroker(dataDir: string, opts: { clean: boolean; graceMs?: number }): Promise<BrokerState | undefined> {
  const dir = resolve(dataDir);
  const state = brokerStatus(dir);
  if (state) await killAndWait(state.pid, opts.graceMs ?? 30_000);
  if (opts.clean) rmSync(dir, { recursive: true, force: true });
  else if (existsSync(stateFile(dir)) && state) writeFileSync(stateFile(dir), JSON.stringify({ ...state, pid: -1 }, null, 2) + '\n');
  return state;
}
