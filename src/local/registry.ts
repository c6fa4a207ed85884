// A real Schema Registry beside the local broker: Apicurio Registry, whose ready-to-run Quarkus
// server is published on Maven Central, serves the Confluent-compatible API at /apis/ccompat/v7.
//
// Layout: <dir>/kstream-registry.json (the state `local status` reads), <dir>/registry.log and
// <dir>/db* (an H2 file, so schemas outlive a restart as the broker's topics do: a record's schema
// id must still resolve after `local stop` and `local start`). The unpacked server is cached once per
// machine beside the Kafka jars (see paths.ts), never in the data dir.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode, KstreamError } from '../errors.js';
import { freePort, isAlive, killAndWait, portIsFree, tail, waitUntilUp } from './broker.js';
import { runTool } from './distribution.js';
import { registryCacheDir, REGISTRY_VERSION } from './paths.js';

export { REGISTRY_VERSION };
export const REGISTRY_ARTIFACT = `io.apicurio:apicurio-registry-app:${REGISTRY_VERSION}:tar.gz:all`;
/** The Confluent Schema Registry API of Apicurio, under the server's root. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';
/** The port Confluent's registry uses, so client defaults and habits fit. */
export const DEFAULT_REGISTRY_PORT = 8081;
const MIN_JAVA = 21;

export interface RegistryState {
  pid: number;
  /** What clients use: the Confluent-compatible API. */
  url: string;
  port: number;
  managementPort: number;
  dir: string;
  logFile: string;
  startedAt: string;
  server: string;
  java: string;
}

export interface RegistryStartOptions {
  /** Where its state, log and database live. */
  dir: string;
  /** HTTP port on 127.0.0.1 (default 8081). */
  port?: number;
  /** Health port on 127.0.0.1 (default: a free one). */
  managementPort?: number;
  waitMs: number;
  env: NodeJS.ProcessEnv;
  onProgress: (line: string) => void;
}

export const registryStateFile = (dir: string) => join(dir, 'kstream-registry.json');

export function readRegistryState(dir: string): RegistryState | undefined {
  try {
    return JSON.parse(readFileSync(registryStateFile(resolve(dir)), 'utf8')) as RegistryState;
  } catch {
    return undefined;
  }
}

/** The JVM flag that marks a registry as this dir's, so a recycled pid is never taken for it. */
const marker = (dir: string) => `-Dkstream.registry.dir=${dir}`;

function isRegistryOf(pid: number, dir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker(dir));
  } catch {
    return !existsSync('/proc/self'); // no /proc: alive is all that can be known
  }
}

/** The running registry of this dir, or undefined (a stale state file counts as not running). */
export function registryStatus(dir: string): RegistryState | undefined {
  const abs = resolve(dir);
  const state = readRegistryState(abs);
  return state && state.pid > 0 && isRegistryOf(state.pid, abs) ? state : undefined;
}

/** Major version printed by `java -version`, 0 when unknown, undefined when it does not run. */
export function javaMajor(java: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8', env });
  if (probe.error || probe.status !== 0) return undefined;
  return parseJavaMajor(probe.stderr + probe.stdout);
}

export function parseJavaMajor(versionOutput: string): number {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return 0;
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

/**
 * A Java 21+ to run the registry: JAVA_HOME if new enough, else the newest JDK under /usr/lib/jvm
 * (Debian 12 packages no Java 21, so a Temurin one is often installed beside its Java 17), else
 * `java` on the PATH. The broker keeps using JAVA_HOME or the PATH: Kafka 3.9 runs on either.
 */
export function findRegistryJava(env: NodeJS.ProcessEnv, jvmRoot = '/usr/lib/jvm'): { java: string; major: number } {
  const seen: string[] = [];
  const probe = (java: string) => {
    const major = java === 'java' || existsSync(java) ? javaMajor(java, env) : undefined;
    if (major !== undefined) seen.push(`${java} is Java ${major || '?'}`);
    return major !== undefined && major >= MIN_JAVA ? { java, major } : undefined;
  };
  const fromHome = env.JAVA_HOME ? probe(join(env.JAVA_HOME, 'bin', 'java')) : undefined;
  if (fromHome) return fromHome;
  let installed: string[] = [];
  try {
    installed = readdirSync(jvmRoot).map((name) => join(jvmRoot, name, 'bin', 'java'));
  } catch {
    // no such folder: only JAVA_HOME and the PATH
  }
  const newest = installed.map(probe).filter((j) => j !== undefined).sort((a, b) => b.major - a.major)[0];
  const found = newest ?? probe('java');
  if (found) return found;
  throw new KstreamError(`the Schema Registry (Apicurio ${REGISTRY_VERSION}) needs Java ${MIN_JAVA} or newer; ${seen.length ? seen.join(', ') : 'no Java was found'}`, {
    exitCode: ExitCode.USAGE,
    hint: `install a JDK ${MIN_JAVA}+ (e.g. Temurin 21 or 25) and point JAVA_HOME at it, or run the registry with Docker (see README)`,
  });
}

/** The folder holding quarkus-run.jar, fetching and unpacking the server with Maven on first use. */
export async function ensureRegistryServer(env: NodeJS.ProcessEnv, onProgress: (line: string) => void): Promise<string> {
  const dir = registryCacheDir(env);
  if (existsSync(join(dir, 'quarkus-run.jar'))) return dir;
  if (spawnSync('mvn', ['-v'], { encoding: 'utf8' }).error) {
    throw new KstreamError('Maven (mvn) was not found, and it is needed once to fetch the Schema Registry server', {
      exitCode: ExitCode.USAGE,
      hint: 'install it (Debian: apt-get install maven), or run the registry with Docker (see README)',
    });
  }
  // Unpacked in a folder of its own and renamed into place, so that two starts at once (two test
  // runs, say) never see half a server: the loser of the rename drops its copy.
  const staging = `${dir}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    onProgress(`fetching Apicurio Registry ${REGISTRY_VERSION} (about 150 MB) with Maven into ${dir} (first start only)…`);
    const args = ['-q', '-B', 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy', `-Dartifact=${REGISTRY_ARTIFACT}`, `-DoutputDirectory=${staging}`];
    const fetched = await runTool('mvn', args, staging);
    if (fetched.code !== 0) {
      const last = fetched.output.split('\n').filter((l) => /ERROR/.test(l)).slice(0, 3).join(' ').slice(0, 400);
      throw new KstreamError(`Maven could not fetch ${REGISTRY_ARTIFACT} (exit ${fetched.code}): ${last || 'no error output'}`, {
        hint: 'check that Maven Central is reachable',
      });
    }
    const archive = readdirSync(staging).find((f) => f.endsWith('.tar.gz'));
    if (!archive) throw new KstreamError(`Maven fetched no archive of ${REGISTRY_ARTIFACT} into ${staging}`);
    const unpacked = await runTool('tar', ['-xzf', archive], staging);
    if (unpacked.code !== 0) throw new KstreamError(`could not unpack ${archive}: ${unpacked.output.trim().slice(0, 300)}`);
    rmSync(join(staging, archive));
    if (!existsSync(join(staging, 'quarkus-run.jar'))) throw new KstreamError(`${archive} holds no quarkus-run.jar`);
    try {
      renameSync(staging, dir);
    } catch (err) {
      if (!existsSync(join(dir, 'quarkus-run.jar'))) throw err;
    }
    return dir;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The java command line of the server; pure, for the unit tests. */
export function registryCommand(opts: { java: string; serverDir: string; dir: string; port: number; managementPort: number }): string[] {
  const props: Record<string, string> = {
    'quarkus.http.host': '127.0.0.1',
    'quarkus.http.port': String(opts.port),
    // The health endpoints live on the management interface, by default on 0.0.0.0:9000: always
    // move it, or two registries (or anything on 9000) collide and the registry listens beyond loopback.
    'quarkus.management.host': '127.0.0.1',
    'quarkus.management.port': String(opts.managementPort),
    'apicurio.datasource.url': `jdbc:h2:file:${join(opts.dir, 'db')}`,
    // A pool of 20 connections by default: far more than one user's registry needs.
    'apicurio.datasource.jdbc.initial-size': '2',
    'apicurio.datasource.jdbc.min-size': '2',
    // Deleting subjects and versions is off by default in Apicurio 3; `kstream registry delete` needs it.
    'apicurio.rest.deletion.group.enabled': 'true',
    'apicurio.rest.deletion.artifact.enabled': 'true',
    'apicurio.rest.deletion.artifact-version.enabled': 'true',
    'quarkus.log.console.color': 'false',
  };
  return [
    opts.java,
    // Small heap, one GC thread and C1 only: a registry of a few schemas needs no more, and on a
    // two-core machine the JIT and GC threads are most of its start-up time.
    '-Xms64m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
    marker(opts.dir),
    ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`),
    '-jar', join(opts.serverDir, 'quarkus-run.jar'),
  ];
}

/** Starts a detached registry and resolves once its readiness check answers UP. */
export async function startRegistry(opts: RegistryStartOptions): Promise<RegistryState> {
  const dir = resolve(opts.dir);
  const running = registryStatus(dir);
  if (running) {
    throw new KstreamError(`a Schema Registry is already running at ${running.url} (pid ${running.pid})`, {
      exitCode: ExitCode.USAGE,
      hint: 'stop it with `kstream local stop`',
    });
  }
  const port = opts.port ?? DEFAULT_REGISTRY_PORT;
  if (!(await portIsFree(port))) {
    throw new KstreamError(`port ${port} on 127.0.0.1 (Schema Registry) is already in use`, { exitCode: ExitCode.USAGE, hint: 'choose another with --schema-registry-port' });
  }
  const managementPort = opts.managementPort ?? (await freeOtherPort(port));
  const { java, major } = findRegistryJava(opts.env);
  const serverDir = await ensureRegistryServer(opts.env, opts.onProgress);
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'registry.log');
  const [cmd, ...args] = registryCommand({ java, serverDir, dir, port, managementPort });
  const out = openSync(logFile, 'a');
  let pid: number | undefined;
  try {
    const child = spawn(cmd!, args, { cwd: dir, detached: true, stdio: ['ignore', out, out], env: opts.env });
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(out);
  }
  if (pid === undefined) throw new KstreamError(`could not start ${cmd}`);
  const state: RegistryState = {
    pid, url: `http://127.0.0.1:${port}${CCOMPAT_PATH}`, port, managementPort, dir, logFile,
    startedAt: new Date().toISOString(), server: `Apicurio Registry ${REGISTRY_VERSION}`, java: `${java} (Java ${major})`,
  };
  writeFileSync(registryStateFile(dir), JSON.stringify(state, null, 2) + '\n');
  try {
    await waitUntilReady(state, opts.waitMs);
  } catch (err) {
    await killAndWait(pid, 10_000);
    throw err;
  }
  return state;
}

async function freeOtherPort(port: number): Promise<number> {
  for (;;) {
    const candidate = await freePort();
    if (candidate !== port) return candidate;
  }
}

/** Polls /health/ready on the management port; fails early, with its log, if the server exits. */
function waitUntilReady(state: RegistryState, waitMs: number): Promise<void> {
  const url = `http://127.0.0.1:${state.managementPort}/health/ready`;
  return waitUntilUp(state, waitMs, {
    up: async (deadline) => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(100, Math.min(2_000, deadline - Date.now()))) });
        return res.ok && ((await res.json()) as { status?: string }).status === 'UP';
      } catch {
        return false; // not listening yet
      }
    },
    exited: () => ({ message: 'the Schema Registry exited while starting', details: tail(state.logFile, 15) }),
    late: 'the Schema Registry did not become ready',
  });
}

/** Stops the registry of this dir; returns its state, or undefined if none was running. */
export async function stopRegistry(dir: string, opts: { graceMs?: number } = {}): Promise<RegistryState | undefined> {
  const abs = resolve(dir);
  const state = registryStatus(abs);
  if (!state) return undefined;
  await killAndWait(state.pid, opts.graceMs ?? 20_000);
  writeFileSync(registryStateFile(abs), JSON.stringify({ ...state, pid: -1 }, null, 2) + '\n');
  return state;
}
