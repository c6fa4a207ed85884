// A pipeline's output (and its dead letters), written as kstream's own transactional record
// batches, read back by an independent reader: Kafka's Java ConsoleConsumer with
// read_committed. The source holds aborted transactions, which must not come through, and
// keys, null keys and headers, which must.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from '../helpers/cli.js';
import { testKafka } from '../helpers/kafka.js';
import { ensureKafkaTools, runJava } from '../helpers/kafka-tools.js';
import { createTopicsOn, killSpawned } from '../helpers/pipeline.js';

const FS = '\u001f';
const RS = '\u001e';

interface Seen {
  key: string;
  value: string;
  headers: string;
}

/** Every record of `topic` as the Java consumer prints it (headers, key, value; "null" for a null key). */
async function readWithJava(topic: string, isolation: 'read_committed' | 'read_uncommitted'): Promise<Seen[]> {
  const r = await runJava('org.apache.kafka.tools.consumer.ConsoleConsumer', [
    '--bootstrap-server', brokers(), '--topic', topic, '--from-beginning', '--timeout-ms', '15000',
    '--isolation-level', isolation,
    '--property', 'print.key=true', '--property', 'print.headers=true', '--property', `key.separator=${FS}`,
    '--property', 'headers.separator=,', '--property', `line.separator=${RS}`,
  ]);
  // ConsoleConsumer ends by --timeout-ms once no more records come, and reports that as an error.
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr.replace(/ERROR Error processing message, terminating consumer process: *\n?org\.apache\.kafka\.common\.errors\.TimeoutException/g, '')).not.toMatch(/Exception|ERROR/);
  return r.stdout.toString('utf8').split(RS).filter((l) => l !== '').map((line) => {
    const [headers, key, value] = line.split(FS);
    return { key: key!, value: value!, headers: headers === 'NO_HEADERS' ? '' : headers! };
  });
}

const sortSeen = (rows: Seen[]) => [...rows].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));

describe('pipeline output read by the Java consumer (read_committed)', () => {
  beforeAll(() => void ensureKafkaTools(), 600_000);
  afterAll(killSpawned);

  it('holds each committed input once, keys and headers kept; aborted inputs never; dead letters once', async () => {
    const b = brokers();
    const [src, dst, dlq] = [uniqueName('rc-src'), uniqueName('rc-dst'), uniqueName('rc-dlq')];
    await createTopicsOn(b, [src, dst, dlq], 3);
    const kafka = await testKafka(b);
    const producer = kafka.producer({ transactionalId: uniqueName('rc-seed'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const committed: Seen[] = [];
    try {
      for (let round = 0; round < 4; round++) {
        const good = Array.from({ length: 40 }, (_, i) => {
          const n = `${round}-${String(i).padStart(3, '0')}`;
          return { key: i % 5 === 0 ? null : `k${n}`, value: i === 7 && round === 2 ? 'poison' : `v${n}`, headers: { h: `x${n}`, src: 'seed' } };
        });
        const ok = await producer.transaction();
        await ok.send({ topic: src, messages: good });
        await ok.commit();
        committed.push(...good.map((m) => ({ key: m.key ?? 'null', value: m.value, headers: `h:${m.headers.h},src:seed` })));
        const aborted = await producer.transaction();
        await aborted.send({ topic: src, messages: Array.from({ length: 15 }, (_, i) => ({ key: `a${i}`, value: `aborted-${round}-${i}` })) });
        await aborted.abort();
      }
    } finally {
      await producer.disconnect();
    }

    // Batches of 8: the one with "poison" fails (no retries) and goes whole to the DLQ.
    const run = await runCli([
      'pipeline', 'run', '--from', src, '--to', dst, '--map', 'r.value === "poison" ? (() => { throw new Error("bad") })() : "out-" + r.value',
      '--batch-size', '8', '--retries', '0', '--dlq', dlq, '--exit',
    ], { killAfterMs: 180_000 });
    expect(run.code, run.stderr).toBe(0);

    const [out, letters] = [await readWithJava(dst, 'read_committed'), await readWithJava(dlq, 'read_committed')];
    expect(out.some((r) => r.value.includes('aborted'))).toBe(false);
    expect(letters.every((r) => r.headers.includes('kstream-error:') && r.headers.includes(`kstream-source-topic:${src}`))).toBe(true);
    const dead = new Set(letters.map((r) => r.value));
    expect(dead.has('poison')).toBe(true);
    // Every committed input exactly once: in the output (transformed) or as a dead letter (as it was).
    expect(out.length + letters.length).toBe(committed.length);
    const wantOut = committed.filter((r) => !dead.has(r.value)).map((r) => ({ ...r, value: `out-${r.value}` }));
    expect(sortSeen(out)).toEqual(sortSeen(wantOut));
    const wantDead = committed.filter((r) => dead.has(r.value));
    expect(sortSeen(letters).map((r) => ({ key: r.key, value: r.value, h: r.headers.split(',').slice(0, 2).join(',') })))
      .toEqual(sortSeen(wantDead).map((r) => ({ key: r.key, value: r.value, h: r.headers })));
    // Nothing the pipeline wrote was aborted: read_uncommitted sees the same records.
    expect((await readWithJava(dst, 'read_uncommitted')).length).toBe(out.length);
  }, 300_000);
});
