import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopics, testKafka, testProducer, withTestAdmin } from '../helpers/kafka.js';

const lows = (topic: string) => withTestAdmin(async (a) => (await a.fetchTopicOffsets(topic)).sort((x, y) => x.partition - y.partition).map((o) => Number(o.low)));

async function seed(topic: string, perPartition: number, partitions: number, timestamp?: (i: number) => number): Promise<void> {
  const producer = await testProducer();
  try {
    for (let p = 0; p < partitions; p++) {
      const messages = Array.from({ length: perPartition }, (_, i) => ({ value: `v${i}`, partition: p, ...(timestamp ? { timestamp: String(timestamp(i)) } : {}) }));
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

describe('kstream topics delete-records', () => {
  it('deletes before an offset in every partition, or in the partitions named', async () => {
    const topic = uniqueName('delrec');
    await createTestTopics([topic], 2);
    await seed(topic, 10, 2);
    const all = await runCli(['topics', 'delete-records', topic, '--before', '4', '--yes']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(new RegExp(`${topic}\\[0\\].*OK.*low watermark 4`));
    expect(await lows(topic)).toEqual([4, 4]);

    const one = await runCli(['topics', 'delete-records', topic, '--before', '7', '-p', '1', '--yes', '-o', 'json']);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual([{ name: `${topic}[1]`, ok: true, message: 'records before 7 deleted; low watermark 7' }]);
    expect(await lows(topic)).toEqual([4, 7]);

    const end = await runCli(['topics', 'delete-records', topic, '--before', 'end', '--yes']);
    expect(end.code, end.stderr).toBe(0);
    expect(await lows(topic)).toEqual([10, 10]);
  });

  it('deletes records older than @TIME', async () => {
    const topic = uniqueName('delrec-time');
    await createTestTopics([topic], 1);
    const t0 = Date.parse('2024-05-01T00:00:00Z');
    await seed(topic, 6, 1, (i) => t0 + i * 60_000);
    const r = await runCli(['topics', 'delete-records', topic, '--before', '@2024-05-01T00:03:00Z', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(await lows(topic)).toEqual([3]);
  });

  it("takes kafka-delete-records.sh's JSON file, as --offsets-json and through the script's own flags", async () => {
    const topic = uniqueName('delrec-json');
    await createTestTopics([topic], 2);
    await seed(topic, 5, 2);
    const dir = mkdtempSync(join(tmpdir(), 'kstream-delrec-'));
    const file = join(dir, 'offsets.json');
    writeFileSync(file, JSON.stringify({ partitions: [{ topic, partition: 0, offset: 2 }, { topic, partition: 1, offset: -1 }], version: 1 }));
    const r = await runCli(['topics', 'delete-records', '--offsets-json', file, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(await lows(topic)).toEqual([2, 5]);

    writeFileSync(file, JSON.stringify({ partitions: [{ topic, partition: 0, offset: 3 }], version: 1 }));
    const kafka = await runCli(['delete-records', '--bootstrap-server', brokers(), '--offset-json-file', file]);
    expect(kafka.code, kafka.stderr).toBe(0);
    expect(await lows(topic)).toEqual([3, 5]);
  });

  it('fails in one line, with exit 1, for an unknown topic, a missing partition, bad input, and an offset past the end', async () => {
    const missing = await runCli(['topics', 'delete-records', uniqueName('nope'), '--before', '1', '--yes']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: topic '.*' does not exist \(/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);

    const topic = uniqueName('delrec-bad');
    await createTestTopics([topic], 1);
    await seed(topic, 3, 1);
    const partition = await runCli(['topics', 'delete-records', topic, '--before', '1', '-p', '5', '--yes']);
    expect(partition.code).toBe(1);
    expect(partition.stderr).toBe(`error: topic '${topic}' has no partition 5 (it has partitions 0 to 0)\n`);

    const noBefore = await runCli(['topics', 'delete-records', topic, '--yes']);
    expect(noBefore.code).toBe(1);
    expect(noBefore.stderr).toMatch(/^error: name a topic and --before/);

    const noAsk = await runCli(['topics', 'delete-records', topic, '--before', '1']);
    expect(noAsk.code).toBe(1);
    expect(noAsk.stderr).toMatch(/^error: refusing to delete records of '.*' before 1 without confirmation/);
    expect(await lows(topic)).toEqual([0]);

    const past = await runCli(['topics', 'delete-records', topic, '--before', '99', '--yes']);
    expect(past.code).toBe(1);
    expect(past.stderr).toMatch(/error: partition '.*\[0\]': offset 99 is past the end of the partition \(OFFSET_OUT_OF_RANGE\)\n$/);
    expect(await lows(topic)).toEqual([0]);
  });
});

describe('kstream topics describe: counts, several topics, filters', () => {
  it('--count reads the exact number of records, without transaction markers or aborted records', async () => {
    const topic = uniqueName('counted-txn');
    await createTestTopics([topic], 1);
    const producer = (await testKafka()).producer({ transactionalId: uniqueName('txn'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'x' }, { value: 'y' }] });
      await aborted.abort();
    } finally {
      await producer.disconnect();
    }
    // 3 committed + 1 commit marker + 2 aborted + 1 abort marker.
    const estimate = JSON.parse((await runCli(['topics', 'describe', topic, '-o', 'json'])).stdout);
    expect(estimate.partitions[0]).toMatchObject({ highWatermark: 7, records: 7, recordsExact: false });
    const counted = await runCli(['topics', 'describe', topic, '--count', '-o', 'json']);
    expect(counted.code, counted.stderr).toBe(0);
    expect(JSON.parse(counted.stdout).partitions[0]).toMatchObject({ highWatermark: 7, records: 3, recordsExact: true });
    const plain = await runCli(['topics', 'describe', topic, '--count']);
    expect(plain.stdout.split('\n').slice(0, 2)).toEqual(['PARTITION\tLEADER\tREPLICAS\tISR\tLOW\tHIGH\tRECORDS', '0\t1\t1\t1\t0\t7\t3']);
  });

  it('describes several names, a regex, and filters as kafka-topics.sh does', async () => {
    const id = uniqueName('multi');
    const [a, b, c] = [`${id}-a`, `${id}-b`, `${id}-c`];
    await createTestTopics([a, b], 2);
    await createTestTopics([c], 1, { configs: { 'min.insync.replicas': '2', 'retention.ms': '3600000' } });
    const names = (out: string) => (JSON.parse(out) as Array<{ name: string }>).map((d) => d.name);

    const two = await runCli(['topics', 'describe', a, c, '-o', 'json']);
    expect(two.code, two.stderr).toBe(0);
    expect(names(two.stdout)).toEqual([a, c]);

    const regex = await runCli(['topics', 'describe', '--regex', `${id}-[ab]`, '-o', 'json']);
    expect(names(regex.stdout)).toEqual([a, b]);
    const plain = await runCli(['topics', 'describe', '--regex', `${id}-.*`]);
    expect(plain.stdout.match(/^TOPIC .*$/gm)).toEqual([`TOPIC ${a}`, `TOPIC ${b}`, `TOPIC ${c}`]);

    const overrides = await runCli(['topics', 'describe', '--regex', `${id}-.*`, '--topics-with-overrides', '-o', 'json']);
    expect(names(overrides.stdout)).toEqual([c]);
    expect(JSON.parse(overrides.stdout)[0].overrides).toEqual(['min.insync.replicas', 'retention.ms']);

    // One broker: an ISR of 1 is at min.insync.replicas=1 (a, b) and below 2 (c).
    const atMin = await runCli(['topics', 'describe', '--regex', `${id}-.*`, '--at-min-isr-partitions', '-o', 'json']);
    expect(names(atMin.stdout)).toEqual([a, b]);
    const underMin = JSON.parse((await runCli(['topics', 'describe', '--regex', `${id}-.*`, '--under-min-isr-partitions', '-o', 'json'])).stdout);
    expect(underMin.map((d: { name: string; partitions: unknown[] }) => [d.name, d.partitions.length])).toEqual([[c, 1]]);
    for (const flag of ['--under-replicated-partitions', '--unavailable-partitions']) {
      const none = await runCli(['topics', 'describe', '--regex', `${id}-.*`, flag, '-o', 'json']);
      expect(none.code, none.stderr).toBe(0);
      expect(none.stdout).toBe('[]\n');
    }

    const kafka = await runCli(['topics', '--describe', '--topic', `${id}-.*`, '--topics-with-overrides', '--bootstrap-server', brokers()]);
    expect(kafka.code, kafka.stderr).toBe(0);
    expect(kafka.stdout.match(/^TOPIC .*$/gm)).toEqual([`TOPIC ${c}`]);

    const unknown = await runCli(['topics', 'describe', a, uniqueName('nope')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: topic '.*' does not exist \(/);
    const badRegex = await runCli(['topics', 'describe', '--regex', '(']);
    expect(badRegex.code).toBe(1);
    expect(badRegex.stderr).toMatch(/^error: --regex '\(' is not a regular expression/);
  });

  it('topics list --regex, and kafka-topics.sh --list --topic REGEX', async () => {
    const id = uniqueName('listed');
    await createTestTopics([`${id}-1`, `${id}-2`, `${id}x`], 1);
    const r = await runCli(['topics', 'list', '--regex', `${id}-\\d`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${id}-1\n${id}-2\n`);
    const none = await runCli(['topics', 'list', '--regex', `${id}-\\d{2}`, '-o', 'json']);
    expect(none.stdout).toBe('[]\n');
    const kafka = await runCli(['topics', '--list', '--topic', `${id}.*`, '--bootstrap-server', brokers()]);
    expect(kafka.code, kafka.stderr).toBe(0);
    expect(kafka.stdout).toBe(`${id}-1\n${id}-2\n${id}x\n`);
  });
});
