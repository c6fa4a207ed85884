// `kstream produce` against `kcat -P`: the same file of ~100-byte lines into fresh topics of the
// same partitions (3), both waiting for acks=all with the idempotent producer. Wall time of the
// whole command, start-up included. Kafka's Java ProducerPerformance (same acks and idempotence,
// 1 MB batches like kcat's) is the second baseline. Peak RSS is printed beside each rate.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { javaTool } from './java.js';
import { alternate, KSTREAM, makeLines, millions, ROUNDS, timeShell } from './lib.js';

const PARTITIONS = 3;

function createTopic(brokers, topic) {
  const r = spawnSync(process.execPath, [KSTREAM, '-b', brokers, 'topics', 'create', topic, '--partitions', String(PARTITIONS)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`creating ${topic}: ${r.stderr.trim()}`);
}

/** Records the topic holds, so a run that lost records cannot pass for a fast one. */
function count(brokers, topic) {
  const r = spawnSync(process.execPath, [KSTREAM, '-b', brokers, 'topics', 'describe', topic, '-o', 'json'], { encoding: 'utf8' });
  return JSON.parse(r.stdout).partitions.reduce((sum, p) => sum + p.records, 0);
}

/** `java: false` leaves out ProducerPerformance (the KSTREAM_BENCH_LARGE row: kstream's RSS against kcat's). */
export async function run({ brokers, records, work, java: withJava = true }) {
  const file = await makeLines(join(work, `lines-${records}.txt`), records);
  const stamp = Date.now().toString(36);
  const ours = `bench-produce-kstream-${stamp}`;
  const theirs = `bench-produce-kcat-${stamp}`;
  const javas = `bench-produce-java-${stamp}`;
  const topics = [ours, theirs];
  createTopic(brokers, ours);
  createTopic(brokers, theirs);

  // An untimed run first: a broker just started answers its first million records slower (its
  // JIT is cold), which would count against whichever tool came first.
  const warm = `bench-produce-warmup-${stamp}`;
  createTopic(brokers, warm);
  topics.push(warm);
  await timeShell(`kcat -P -b ${brokers} -t ${warm} -X enable.idempotence=true -X acks=all -l ${file}`);
  const javaCmd = withJava && javaTool('org.apache.kafka.tools.ProducerPerformance', [
    '--topic', javas, '--num-records', records, '--record-size', 100, '--throughput', -1,
    '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all', 'enable.idempotence=true', 'batch.size=1000000', 'linger.ms=5',
  ]);
  if (javaCmd) {
    createTopic(brokers, javas);
    topics.push(javas);
  }
  // Each round appends the file once more to each tool's own topic.
  const result = await alternate(records, {
    kstream: () => timeShell(`node ${KSTREAM} -b ${brokers} produce ${ours} --file ${file} --quiet`),
    kcat: () => timeShell(`kcat -P -b ${brokers} -t ${theirs} -X enable.idempotence=true -X acks=all -l ${file}`),
    java: javaCmd && (() => timeShell(javaCmd)),
  });
  for (const topic of topics.filter((t) => t !== warm)) {
    const have = count(brokers, topic);
    if (have !== records * ROUNDS) throw new Error(`${topic} holds ${have} records, expected ${records * ROUNDS}`);
  }
  // On a broker that outlives the run (KSTREAM_BENCH_BROKERS), leave nothing behind.
  spawnSync(process.execPath, [KSTREAM, '-b', brokers, 'topics', 'delete', ...topics, '--yes'], { stdio: 'ignore' });
  return [{ case: withJava ? `produce ${records} lines of 100 B` : `produce ${millions(records)} lines`, ...result }];
}
