import { describe, expect, it } from 'vitest';
import { runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopics, withTestAdmin } from '../helpers/kafka.js';

describe('kstream topics', () => {
  it('creates, lists, describes and deletes a topic', async () => {
    const topic = uniqueName('lab');
    const created = await runCli(['topics', 'create', topic, '--partitions', '2']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe('');
    expect(created.stderr).toMatch(new RegExp(`${topic}.*OK.*created`));

    const list = await runCli(['topics', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')).toContain(topic);
    expect(list.stdout).not.toContain('__consumer_offsets');

    const json = await runCli(['topics', 'list', '-o', 'json']);
    const entry = (JSON.parse(json.stdout) as Array<{ name: string; partitions: number }>).find((t) => t.name === topic);
    expect(entry).toEqual({ name: topic, partitions: 2, replicationFactor: 1, internal: false });

    const described = await runCli(['topics', 'describe', topic, '--output', 'json']);
    expect(described.code, described.stderr).toBe(0);
    const d = JSON.parse(described.stdout);
    expect(d.partitions).toHaveLength(2);
    expect(d.partitions[0]).toMatchObject({ partition: 0, lowWatermark: 0, highWatermark: 0, records: 0, replicas: [1], isr: [1] });

    const deleted = await runCli(['topics', 'delete', topic, '--yes']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await withTestAdmin((a) => a.listTopics())).not.toContain(topic);
  });

  it('counts records per partition in describe', async () => {
    const topic = uniqueName('counted');
    await createTestTopics([topic], 2);
    const { testKafka } = await import('../helpers/kafka.js');
    const producer = (await testKafka()).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }, { value: 'c', partition: 1 }] });
    await producer.disconnect();
    const d = JSON.parse((await runCli(['topics', 'describe', topic, '-o', 'json'])).stdout);
    expect(d.partitions.map((p: { records: number }) => p.records)).toEqual([2, 1]);
    const plain = await runCli(['topics', 'describe', topic]);
    expect(plain.stdout.split('\n')[0]).toBe('PARTITION\tLEADER\tREPLICAS\tISR\tLOW\tHIGH\t~RECORDS');
    expect(plain.stdout.split('\n')[1]).toBe('0\t1\t1\t1\t0\t2\t2');
  });

  it('creates with configs, then alters partitions and configs incrementally', async () => {
    const topic = uniqueName('altered');
    expect((await runCli(['topics', 'create', topic, '-c', 'retention.ms=60000'])).code).toBe(0);
    const grow = await runCli(['topics', 'alter', topic, '--partitions', '3', '-c', 'cleanup.policy=compact']);
    expect(grow.code, grow.stderr).toBe(0);
    expect(grow.stderr).toContain('partitions: 1 -> 3');
    const d = JSON.parse((await runCli(['topics', 'describe', topic, '-o', 'json'])).stdout);
    expect(d.partitions).toHaveLength(3);
    // The earlier config survives: the alter must not replace the whole set.
    expect(d.configs).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'retention.ms', value: '60000' }),
      expect.objectContaining({ name: 'cleanup.policy', value: 'compact' }),
    ]));
    const removed = await runCli(['topics', 'alter', topic, '--delete-config', 'retention.ms']);
    expect(removed.code, removed.stderr).toBe(0);
    const after = JSON.parse((await runCli(['topics', 'describe', topic, '-o', 'json'])).stdout);
    expect(after.configs.map((c: { name: string }) => c.name)).toEqual(['cleanup.policy']);
  });

  it('rejects bad input with one line and a non-zero exit', async () => {
    const topic = uniqueName('dup');
    await runCli(['topics', 'create', topic]);
    const cases: Array<[string[], number, RegExp]> = [
      [['topics', 'create', 'bad name!'], 1, /not a valid topic name/],
      [['topics', 'create', topic], 1, /already exists/],
      [['topics', 'describe', uniqueName('missing')], 1, /does not exist/],
      [['topics', 'alter', topic, '--partitions', '0'], 1, /--partitions must be a whole number/],
      [['topics', 'create', uniqueName('rf'), '--replication-factor', '3'], 1, /replication factor 3 is more than the 1 broker/],
      [['topics', 'alter', topic, '-c', 'no.such.config=1'], 1, /'no.such.config' is not a topic config/],
      [['topics', 'delete', topic], 1, /without confirmation.*--yes/],
      [['topics', 'create', topic, '-c', 'novalue'], 1, /--config expects key=value/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(code);
      const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errorLines, args.join(' ')).toHaveLength(1);
      expect(errorLines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const shrink = await runCli(['topics', 'alter', topic, '--partitions', '1']);
    expect(shrink.code).toBe(0);
    expect(shrink.stderr).toContain('already 1');
  });

  it('reports each topic of a bulk delete and fails if any failed', async () => {
    const a = uniqueName('bulk');
    await runCli(['topics', 'create', a]);
    const missing = uniqueName('bulk-missing');
    const r = await runCli(['topics', 'delete', a, missing, '--yes', '-o', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      { name: a, ok: true, message: 'deleted' },
      { name: missing, ok: false, message: 'does not exist' },
    ]);
  });
});
