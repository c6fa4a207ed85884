// Kafka's own Java tools (kafka-tools 3.9.2: ConsoleConsumer, ProducerPerformance, ...) as an
// independent reader for interop tests. The jars come from Maven Central the way `local start`
// fetches the broker's (src/local/distribution.ts), into ~/.cache/kstream/kafka-tools-3.9.2/libs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { javaBinary } from '../../src/local/distribution.js';
import { runBytes, type BytesResult } from './cli.js';

const POM = fileURLToPath(new URL('../../kafka/tools-pom.xml', import.meta.url));
const LOG4J = 'log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stderr.layout.ConversionPattern=%p %m%n\n';

export function kafkaToolsDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.KSTREAM_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kstream');
  return join(cache, 'kafka-tools-3.9.2');
}

/** The tools' jar folder, resolved with Maven on first use. */
export function ensureKafkaTools(): string {
  const dir = kafkaToolsDir();
  const libs = mavenLibs(dir, POM, 'kafka-tools');
  // Written on every use, not only on the fetch: `npm run bench` (bench/java.js) fetches into the same folder without it.
  const log4j = join(dir, 'log4j.properties');
  if (!existsSync(log4j)) writeFileSync(log4j, LOG4J);
  return libs;
}

/**
 * The jars of `pom`'s dependencies, copied by Maven into `dir`/libs on first use; `prepare` adds
 * what else the folder needs before it is marked complete.
 */
export function mavenLibs(dir: string, pom: string, what: string, prepare: () => void = () => undefined): string {
  const libs = join(dir, 'libs');
  if (existsSync(join(dir, '.complete'))) return libs;
  mkdirSync(dir, { recursive: true });
  copyFileSync(pom, join(dir, 'pom.xml'));
  const r = spawnSync('mvn', ['-q', '-B', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`mvn could not fetch ${what} (exit ${r.status}): ${(r.stdout + r.stderr).slice(-400)}`);
  prepare();
  writeFileSync(join(dir, '.complete'), new Date().toISOString() + '\n');
  return libs;
}

/** The java command line for `mainClass` with the tools' jars on the class path. */
export function javaCommand(mainClass: string, args: string[]): string[] {
  return javaOn(ensureKafkaTools(), mainClass, args, [`-Dlog4j.configuration=file:${join(kafkaToolsDir(), 'log4j.properties')}`]);
}

/** A java command line (small heap) running `main` with every jar of the folder `libs` on the class path. */
export function javaOn(libs: string, main: string, args: string[], jvmFlags: string[] = []): string[] {
  return [javaBinary(process.env), '-Xmx256m', ...jvmFlags, '-cp', join(libs, '*'), main, ...args];
}

export type JavaResult = BytesResult;

/** Runs a Kafka tool to its end; stdout is kept as bytes, for binary comparisons. */
export function runJava(mainClass: string, args: string[], input?: Buffer | string): Promise<JavaResult> {
  const [cmd, ...rest] = javaCommand(mainClass, args);
  return runBytes(cmd!, rest, { input });
}
