import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KstreamError, ExitCode } from '../errors.js';
import { kafkaCacheDir, KAFKA_VERSION } from './paths.js';
import { packageRoot } from '../util/package-root.js';

/** How to run Kafka's two entry points: the storage formatter and the server. */
export interface KafkaLauncher {
  description: string;
  /** argv (program first) of `kafka-storage format`. */
  formatCommand(configFile: string, clusterId: string, extraArgs: string[]): string[];
  /** argv (program first) of the broker itself. */
  serverCommand(configFile: string): string[];
  /** Extra environment for both. */
  env: Record<string, string>;
}

/** Heap and JIT/GC flags of a broker's JVM. */
export interface JvmOptions {
  heap: string[];
  flags: string[];
}

/** The one-node broker; a node of a local cluster passes its own (see cluster.ts). */
export const BROKER_JVM: JvmOptions = { heap: ['-Xms256m', '-Xmx1g'], flags: ['-XX:+UseG1GC'] };

export function javaBinary(env: NodeJS.ProcessEnv): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Fails with a clear message unless Java 11 or newer is available. */
export function checkJava(env: NodeJS.ProcessEnv): number {
  const java = javaBinary(env);
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new KstreamError(`Java was not found (${java})`, {
      exitCode: ExitCode.USAGE,
      hint: 'install a JDK 17 (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME',
    });
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(probe.stderr + probe.stdout);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : 0;
  if (major < 11) {
    throw new KstreamError(`Kafka ${KAFKA_VERSION} needs Java 11 or newer; ${java} is Java ${major || 'of unknown version'}`, {
      exitCode: ExitCode.USAGE,
      hint: 'install a JDK 17 or point JAVA_HOME at one',
    });
  }
  return major;
}

/** A distribution unpacked by the user, as Kafka labs use: its own scripts run the broker. */
export function homeLauncher(home: string, jvm: JvmOptions = BROKER_JVM): KafkaLauncher {
  const script = (name: string) => join(home, 'bin', name);
  if (!existsSync(script('kafka-server-start.sh'))) {
    throw new KstreamError(`${home} is not an Apache Kafka distribution (no bin/kafka-server-start.sh)`, {
      exitCode: ExitCode.USAGE,
      hint: 'point --kafka-home or KAFKA_HOME at an unpacked kafka_2.13-3.9.x folder, or unset it to use the jars from Maven Central',
    });
  }
  return {
    description: `Apache Kafka in ${home}`,
    formatCommand: (cfg, id, extra) => [script('kafka-storage.sh'), 'format', '-t', id, '-c', cfg, ...extra],
    serverCommand: (cfg) => [script('kafka-server-start.sh'), cfg],
    env: {
      KAFKA_HEAP_OPTS: jvm.heap.join(' '),
      // Kafka's scripts default to G1 with their own tuning; other flags replace those.
      ...(jvm === BROKER_JVM ? {} : { KAFKA_JVM_PERFORMANCE_OPTS: [...jvm.flags, '-Djava.awt.headless=true'].join(' ') }),
    },
  };
}

export function jarLauncher(libs: string, log4jFile: string, env: NodeJS.ProcessEnv, jvm: JvmOptions = BROKER_JVM): KafkaLauncher {
  const java = javaBinary(env);
  const base = [java, ...jvm.heap, `-Dlog4j.configuration=file:${log4jFile}`, '-cp', join(libs, '*')];
  return {
    description: `Apache Kafka ${KAFKA_VERSION} (jars in ${libs})`,
    formatCommand: (cfg, id, extra) => [...base, 'kafka.tools.StorageTool', 'format', '-t', id, '-c', cfg, ...extra],
    serverCommand: (cfg) => [...base, ...jvm.flags, '-Djava.awt.headless=true', 'kafka.Kafka', cfg],
    env: {},
  };
}

/** The jar folder, resolving it with Maven on first use. `onProgress` gets one-line notices. */
export async function ensureKafkaJars(env: NodeJS.ProcessEnv, onProgress: (line: string) => void): Promise<string> {
  const dir = kafkaCacheDir(env);
  const libs = join(dir, 'libs');
  const stamp = join(dir, '.complete');
  if (existsSync(stamp) && existsSync(libs) && readdirSync(libs).some((f) => f.startsWith('kafka_2.13-'))) return libs;
  if (spawnSync('mvn', ['-v'], { encoding: 'utf8' }).error) {
    throw new KstreamError('Maven (mvn) was not found, and it is needed once to fetch the Kafka jars', {
      exitCode: ExitCode.USAGE,
      hint: 'install it (Debian: apt-get install maven), or point --kafka-home at an unpacked Kafka distribution',
    });
  }
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(packageRoot(), 'kafka', 'pom.xml'), join(dir, 'pom.xml'));
  onProgress(`fetching Apache Kafka ${KAFKA_VERSION} jars with Maven into ${libs} (first start only)…`);
  const args = ['-q', '-B', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`];
  const { code, output } = await runTool('mvn', args);
  if (code !== 0) {
    const last = output.trim().split('\n').filter((l) => /ERROR/.test(l)).slice(0, 3).join(' ').slice(0, 400);
    throw new KstreamError(`Maven could not fetch the Kafka jars (exit ${code}): ${last || 'no error output'}`, {
      hint: 'check that Maven Central is reachable, or use --kafka-home',
    });
  }
  writeFileSync(stamp, new Date().toISOString() + '\n');
  return libs;
}

/** Runs a tool to its end: its exit code (127 when it cannot start) and its stdout and stderr together. */
export function runTool(cmd: string, args: string[], cwd?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ code: 127, output: String(err) }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
