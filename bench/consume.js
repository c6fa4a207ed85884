// `npm run bench` suite: read N records of ~100 bytes to stdout and stop at the end, kstream against kcat.
import { join } from 'node:path';
import { javaTool } from './java.js';
import { KSTREAM, makeLines, millions, rate, timeShell } from './lib.js';

const PARTITIONS = 3;

/** `java: false` leaves out ConsumerPerformance (the KSTREAM_BENCH_LARGE row: kstream's RSS against kcat's). */
export async function run({ brokers, records, work, java: withJava = true }) {
  const topic = `bench-consume-${Date.now().toString(36)}`;
  await timeShell(`node ${KSTREAM} topics create ${topic} --partitions ${PARTITIONS} -b ${brokers}`);
  const lines = await makeLines(join(work, `lines-${records}.txt`), records);
  await timeShell(`kcat -P -b ${brokers} -t ${topic} -l ${lines}`);

  const count = async (command) => {
    const { seconds, stdout, rssMb } = await timeShell(`${command} | wc -l`);
    const seen = Number(stdout.trim());
    if (seen !== records) throw new Error(`'${command}' printed ${seen} records, expected ${records}`);
    return { rate: rate(records, seconds), rssMb };
  };
  // An untimed read first, so that neither tool pays for the broker's first reads of the log.
  await count(`kcat -C -b ${brokers} -t ${topic} -e -q -o beginning`);
  const kstream = await count(`node ${KSTREAM} consume ${topic} -b ${brokers} --from-beginning -e --quiet`);
  const kcat = await count(`kcat -C -b ${brokers} -t ${topic} -e -q -o beginning`);
  // Kafka's ConsumerPerformance reads the records without printing them: a baseline for the fetch path.
  const javaCmd = withJava && javaTool('org.apache.kafka.tools.ConsumerPerformance', ['--bootstrap-server', brokers, '--topic', topic, '--messages', records, '--timeout', 60000]);
  const java = javaCmd ? await timeShell(javaCmd) : undefined;
  // On a broker that outlives the run (KSTREAM_BENCH_BROKERS), leave nothing behind.
  await timeShell(`node ${KSTREAM} topics delete ${topic} --yes -b ${brokers}`).catch(() => undefined);
  return [{
    case: withJava ? `consume -e to stdout, ${PARTITIONS} parts` : `consume ${millions(records)}`,
    kstream: kstream.rate, kstreamRss: kstream.rssMb, kcat: kcat.rate, kcatRss: kcat.rssMb,
    java: java && rate(records, java.seconds), javaRss: java?.rssMb,
  }];
}
