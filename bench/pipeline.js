// Identity pipelines (exactly once) against `kcat | cat | kcat` (no transactions, no exactly-once) on one broker.
import { join } from 'node:path';
import { KSTREAM, makeLines, rate, timeShell } from './lib.js';

const PARTITIONS = 3;

export async function run({ brokers, records, work }) {
  const lines = await makeLines(join(work, `lines-${records}.txt`), records);
  const name = (s) => `bench-pipeline-${s}-${Date.now().toString(36)}`;
  const [src, viaMap, viaExec, viaKcat] = ['src', 'map', 'exec', 'kcat'].map(name);
  const env = { KSTREAM_BROKERS: brokers };
  // A broker that has just started may refuse the first creations for a moment.
  for (let attempt = 1; ; attempt++) {
    try {
      await timeShell(`node ${KSTREAM} topics create ${src} ${viaMap} ${viaExec} ${viaKcat} --partitions ${PARTITIONS} --if-not-exists`, { env });
      break;
    } catch (err) {
      if (attempt === 5) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  await timeShell(`kcat -P -b ${brokers} -t ${src} -X linger.ms=50 < ${lines}`);

  const count = async (topic) => Number((await timeShell(`kcat -C -b ${brokers} -t ${topic} -o beginning -e -q -X isolation.level=read_committed | wc -l`)).stdout.trim());
  const pipeline = async (to, transform) => {
    const { seconds, rssMb } = await timeShell(`node ${KSTREAM} pipeline run --from ${src} --to ${to} ${transform} --exit --batch-size 10000`, { env });
    const got = await count(to);
    if (got !== records) throw new Error(`pipeline ${transform} wrote ${got} of ${records} records`);
    return { kstream: rate(records, seconds), kstreamRss: rssMb };
  };
  const kcat = async () => {
    const { seconds, rssMb } = await timeShell(`kcat -C -e -q -b ${brokers} -t ${src} -o beginning | cat | kcat -P -b ${brokers} -t ${viaKcat}`);
    return { kcat: rate(records, seconds), kcatRss: rssMb };
  };

  const baseline = await kcat();
  return [
    { case: "pipeline --map 'r.value' (EOS)", ...(await pipeline(viaMap, `--map 'r.value'`)), ...baseline },
    { case: 'pipeline --exec cat (EOS)', ...(await pipeline(viaExec, `--exec cat`)), ...baseline },
  ];
}
