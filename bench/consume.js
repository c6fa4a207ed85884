// `npm run bench` suite: read N records of ~100 bytes to stdout and stop at the end, kstream against kcat.
import { join } from 'node:path';
import { javaTool } from './java.js';
import { alternate, KSTREAM, makeLines, millions, timeShell } from './lib.js';

const PARTITIONS = 3;

/** `java: false` leaves out ConsumerPerformance (the KSTREAM_BENCH_LARGE row: kstream's RSS against kcat's). */
export async function run({ brokers, records, work, java: withJava = true }) {
  const topic = `bench-consume-${Date.now().toString(36)}`;
  await timeShell(`node ${KSTREAM} topics create ${topic} --partitions ${PARTITIONS} -b ${brokers}`);
  const lines = await makeLines(join(work, `lines-${records}.txt`), records);
  await timeShell(`kcat -P -b ${brokers} -t ${topic} -l ${lines}`);

  const count = async (command) => {
    const r = await timeShell(`${command} | wc -l`);
    const seen = Number(r.stdout.trim());
    if (seen !== records) throw new Error(`'${command}' printed ${seen} records, expected ${records}`);
    return r;
  };
  // An untimed read first, so that neither tool pays for the broker's first reads of the log.
  await count(`kcat -C -b ${brokers} -t ${topic} -e -q -o beginning`);
  // Kafka's ConsumerPerformance reads the records without printing them: a baseline for the fetch path.
  const javaCmd = withJava && javaTool('org.apache.kafka.tools.ConsumerPerformance', ['--bootstrap-server', brokers, '--topic', topic, '--messages', records, '--timeout', 60000]);
  const result = await alternate(records, {
    kstream: () => count(`node ${KSTREAM} consume ${topic} -b ${brokers} --from-beginning -e --quiet`),
    kcat: () => count(`kcat -C -b ${brokers} -t ${topic} -e -q -o beginning`),
    java: javaCmd && (() => timeShell(javaCmd)),
  });
  // On a broker that outlives the run (KSTREAM_BENCH_BROKERS), leave nothing behind.
  await timeShell(`node ${KSTREAM} topics delete ${topic} --yes -b ${brokers}`).catch(() => undefined);
  return [{ case: withJava ? `consume -e to stdout, ${PARTITIONS} parts` : `consume ${millions(records)}`, ...result }];
}
