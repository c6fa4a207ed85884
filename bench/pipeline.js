// Identity pipelines (exactly once) against `kcat | cat | kcat` (no transactions, no exactly-once) on one broker.
import { join } from 'node:path';
import { alternate, KSTREAM, makeLines, timeShell } from './lib.js';

const PARTITIONS = 3;

export async function run({ brokers, records, work }) {
  const lines = await makeLines(join(work, `lines-${records}.txt`), records);
  const stamp = Date.now().toString(36);
  const src = `bench-pipeline-src-${stamp}`;
  const viaKcat = `bench-pipeline-kcat-${stamp}`;
  const env = { KSTREAM_BROKERS: brokers };
  const create = (...topics) => timeShell(`node ${KSTREAM} topics create ${topics.join(' ')} --partitions ${PARTITIONS} --if-not-exists`, { env });
  // A broker that has just started may refuse the first creations for a moment.
  for (let attempt = 1; ; attempt++) {
    try {
      await create(src, viaKcat);
      break;
    } catch (err) {
      if (attempt === 5) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  await timeShell(`kcat -P -b ${brokers} -t ${src} -X linger.ms=50 < ${lines}`);

  const count = async (topic) => Number((await timeShell(`kcat -C -b ${brokers} -t ${topic} -o beginning -e -q -X isolation.level=read_committed | wc -l`)).stdout.trim());
  // Each round writes to a topic of its own, so its default group starts at the beginning.
  const topics = [src, viaKcat];
  const pipeline = (label, transform) => async (round) => {
    const to = `bench-pipeline-${label}-${round}-${stamp}`;
    topics.push(to);
    await create(to);
    const r = await timeShell(`node ${KSTREAM} pipeline run --from ${src} --to ${to} ${transform} --exit --batch-size 10000`, { env });
    const got = await count(to);
    if (got !== records) throw new Error(`pipeline ${transform} wrote ${got} of ${records} records`);
    return r;
  };
  const kcat = () => timeShell(`kcat -C -e -q -b ${brokers} -t ${src} -o beginning | cat | kcat -P -b ${brokers} -t ${viaKcat}`);

  // Untimed runs first: a broker's first transactions and group create __transaction_state and
  // __consumer_offsets (50 partitions each) and warm its JIT, which would count against round one.
  await pipeline('warmup', `--map 'r.value'`)(0);
  await kcat();
  const map = await alternate(records, { kstream: pipeline('map', `--map 'r.value'`), kcat });
  const exec = await alternate(records, { kstream: pipeline('exec', '--exec cat'), kcat });
  // On a broker that outlives the run (KSTREAM_BENCH_BROKERS), leave nothing behind.
  await timeShell(`node ${KSTREAM} topics delete ${topics.join(' ')} --yes`, { env }).catch(() => undefined);
  return [
    { case: "pipeline --map 'r.value' (EOS)", ...map },
    { case: 'pipeline --exec cat (EOS)', ...exec },
  ];
}
