// Kafka's own Java tools (ProducerPerformance, ConsumerPerformance from kafka-tools 3.9.2) as a
// second baseline. The jars come from Maven Central with kafka/tools-pom.xml into
// ~/.cache/kstream/kafka-tools-3.9.2/libs, as the interop tests fetch them
// (test/helpers/kafka-tools.ts); without mvn or java the column shows '-'.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const POM = fileURLToPath(new URL('../kafka/tools-pom.xml', import.meta.url));

function toolsDir() {
  const env = process.env;
  const cache = env.KSTREAM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kstream');
  return join(cache, 'kafka-tools-3.9.2');
}

let libs;

/** The jar folder, or undefined when Maven or Java is missing. */
function ensureTools() {
  if (libs !== undefined) return libs || undefined;
  const dir = toolsDir();
  libs = '';
  if (spawnSync('java', ['-version']).error) return undefined;
  if (!existsSync(join(dir, '.complete'))) {
    if (spawnSync('mvn', ['-v']).error) return undefined;
    mkdirSync(dir, { recursive: true });
    copyFileSync(POM, join(dir, 'pom.xml'));
    console.error('bench: fetching kafka-tools 3.9.2 jars with Maven (first run only)…');
    const r = spawnSync('mvn', ['-q', '-B', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${join(dir, 'libs')}`], { stdio: 'inherit' });
    if (r.status !== 0) return undefined;
    writeFileSync(join(dir, '.complete'), new Date().toISOString() + '\n');
  }
  libs = join(dir, 'libs');
  return libs;
}

/** A shell command running a Kafka tool class, or undefined when the tools are unavailable. */
export function javaTool(mainClass, args) {
  const dir = ensureTools();
  if (!dir) return undefined;
  const quote = (a) => `'${String(a).replace(/'/g, "'\\''")}'`;
  // Quiet log4j: the tools' own summary goes to stdout.
  return ['java', '-Xmx512m', '-Dlog4j.configuration=file:/dev/null', '-cp', quote(join(dir, '*')), mainClass, ...args.map(quote)].join(' ');
}
