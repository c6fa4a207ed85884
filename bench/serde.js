// `npm run bench` suite: N Avro records (~100 bytes of JSON each) through a real Schema Registry.
// kstream produces them from JSON lines, then consumes them to JSON. Debian's kcat is built without
// Avro (`kcat -s avro` says "This build of kcat lacks Avro/Schema-Registry support"), so its column
// is kcat reading the same records undecoded (-f '%S\n', each value's length): the cost of decoding is the gap between the two.
import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../dist/local/broker.js';
import { startRegistry, stopRegistry } from '../dist/local/registry.js';
import { KSTREAM, rate, timeShell } from './lib.js';

const PARTITIONS = 3;
const SCHEMA = {
  type: 'record', name: 'Click', namespace: 'bench',
  fields: [
    { name: 'id', type: 'long' }, { name: 'user', type: 'string' }, { name: 'page', type: 'string' },
    { name: 'ms', type: 'int' }, { name: 'ref', type: ['null', 'string'], default: null },
  ],
};

async function makeJson(path, count) {
  if (existsSync(path)) return path;
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    const line = `{"id":${i},"user":"user-${i % 1000}","page":"/products/${i % 5000}/details","ms":${i % 997},"ref":{"string":"search"}}\n`;
    if (!out.write(line)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return path;
}

export async function run({ brokers, records, work }) {
  const dir = join(work, 'registry');
  let registry;
  try {
    registry = await startRegistry({ dir, port: await freePort(), waitMs: 180_000, env: process.env, onProgress: (l) => console.error(l) });
  } catch (err) {
    console.error(`bench: no Avro case, the Schema Registry did not start: ${err.message}`);
    return [];
  }
  try {
    const topic = `bench-avro-${Date.now().toString(36)}`;
    const schema = join(work, 'click.avsc');
    writeFileSync(schema, JSON.stringify(SCHEMA));
    const input = await makeJson(join(work, `avro-${records}.json`), records);
    const sr = `--schema-registry ${registry.url}`;
    await timeShell(`node ${KSTREAM} topics create ${topic} --partitions ${PARTITIONS} -b ${brokers}`);
    const produce = await timeShell(`node ${KSTREAM} produce ${topic} -b ${brokers} ${sr} --value-schema-file ${schema} --register -q -f ${input}`);
    const count = async (command) => {
      const { seconds, stdout, rssMb } = await timeShell(`${command} | wc -l`);
      if (Number(stdout.trim()) !== records) throw new Error(`'${command}' printed ${stdout.trim()} records, expected ${records}`);
      return { rate: rate(records, seconds), rssMb };
    };
    const decoded = await count(`node ${KSTREAM} consume ${topic} -b ${brokers} ${sr} --value-format avro --from-beginning -e --quiet`);
    const envelopes = await count(`node ${KSTREAM} consume ${topic} -b ${brokers} ${sr} --value-format avro -o json --from-beginning -e --quiet`);
    // Avro bodies hold newline bytes: the raw reads print each value's length, one per line, to count.
    const raw = await count(`node ${KSTREAM} consume ${topic} -b ${brokers} --from-beginning -e --quiet --format '%S\\n'`);
    const kcat = await count(`kcat -C -b ${brokers} -t ${topic} -e -q -o beginning -f '%S\\n'`);
    const row = (name, r) => ({ case: name, kstream: r.rate, kstreamRss: r.rssMb, kcat: kcat.rate, kcatRss: kcat.rssMb });
    return [
      { case: 'produce Avro from JSON lines', kstream: rate(records, produce.seconds), kstreamRss: produce.rssMb },
      row('consume Avro to JSON lines', decoded),
      row('consume Avro -o json envelopes', envelopes),
      row("the same, raw: --format '%S\\n'", raw),
    ];
  } finally {
    await stopRegistry(dir, { graceMs: 10_000 });
  }
}
