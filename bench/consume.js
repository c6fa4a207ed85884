// `npm run bench` suite: read N records of ~100 bytes to stdout and stop at the end, kstream against kcat.
import { join } from 'node:path';
import { KSTREAM, makeLines, rate, timeShell } from './lib.js';

const PARTITIONS = 3;

export async function run({ brokers, records, work }) {
  const topic = `bench-consume-${Date.now().toString(36)}`;
  await timeShell(`node ${KSTREAM} topics create ${topic} --partitions ${PARTITIONS} -b ${brokers}`);
  const lines = await makeLines(join(work, `lines-${records}.txt`), records);
  await timeShell(`kcat -P -b ${brokers} -t ${topic} -l ${lines}`);

  const count = async (command) => {
    const { seconds, stdout } = await timeShell(`${command} | wc -l`);
    const seen = Number(stdout.trim());
    if (seen !== records) throw new Error(`'${command}' printed ${seen} records, expected ${records}`);
    return rate(records, seconds);
  };
  const kstream = await count(`node ${KSTREAM} consume ${topic} -b ${brokers} --from-beginning -e --quiet`);
  const kcat = await count(`kcat -C -b ${brokers} -t ${topic} -e -q -o beginning`);
  return [{ case: `consume -e to stdout, ${PARTITIONS} parts`, kstream, kcat }];
}
