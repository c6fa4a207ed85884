// The Apache Avro Java library (org.apache.avro:avro 1.12.2 from Maven Central) as an independent
// Avro implementation: jars fetched with Maven on first use into ~/.cache/kstream/avro-java-1.12.2,
// as kafka-tools.ts fetches Kafka's tools; test/java/AvroWire.java run with Java's source launcher.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { javaOn, kafkaToolsDir, mavenLibs } from './kafka-tools.js';

const POM = fileURLToPath(new URL('../../kafka/avro-pom.xml', import.meta.url));
const SOURCE = fileURLToPath(new URL('../java/AvroWire.java', import.meta.url));

function avroDir(): string {
  return join(kafkaToolsDir(), '..', 'avro-java-1.12.2');
}

export function ensureAvroJava(): string {
  return mavenLibs(avroDir(), POM, 'org.apache.avro:avro');
}

/** Runs AvroWire.java (decode SCHEMA | encode SCHEMA ID) over `input`; its stdout, or a thrown error. */
export function avroJava(args: string[], input: string): Promise<string> {
  const [java, ...javaArgs] = javaOn(ensureAvroJava(), SOURCE, args);
  return new Promise((resolve, reject) => {
    const child = spawn(java!, javaArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`AvroWire ${args[0]} exited ${code}: ${err.slice(-600)}`))));
    child.stdin.end(input);
  });
}
