import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName, type CliResult } from '../helpers/cli.js';
import { createTestTopic } from '../helpers/consume.js';
import { testKafka, testProducer, withTestAdmin } from '../helpers/kafka.js';

// Recent enough that the broker's time-based retention (7 days) does not delete the records mid-run.
const BASE = Date.now() - 3_600_000;
const PER_PARTITION = 5;

/** Three partitions; record i of partition p has value "p{p}-{i}", key "k{i}" and timestamp BASE + i s. */
async function seededTopic(): Promise<string> {
  const topic = uniqueName('consume');
  await createTestTopic(topic, 3);
  const producer = await testProducer();
  const messages = [0, 1, 2].flatMap((p) =>
    Array.from({ length: PER_PARTITION }, (_, i) => ({ partition: p, key: `k${i}`, value: `p${p}-${i}`, timestamp: String(BASE + i * 1000) })),
  );
  await producer.send({ topic, messages });
  await producer.disconnect();
  return topic;
}

function lines(r: CliResult): string[] {
  return r.stdout.split('\n').filter((l) => l !== '');
}

function expected(filter: (p: number, i: number) => boolean): string[] {
  return [0, 1, 2].flatMap((p) => Array.from({ length: PER_PARTITION }, (_, i) => i).filter((i) => filter(p, i)).map((i) => `p${p}-${i}`)).sort();
}

async function consumerGroups(): Promise<string[]> {
  return withTestAdmin(async (a) => (await a.listGroups()).groups.map((g) => g.groupId));
}

describe('kstream consume: where to start and when to stop', () => {
  let topic: string;
  beforeAll(async () => {
    topic = await seededTopic();
  });

  it.each([
    [['--from-beginning'], () => true],
    [['--offset', 'earliest'], () => true],
    [['--offset', 'latest'], () => false],
    [['--offset', '3'], (_p: number, i: number) => i >= 3],
    [['--offset', '-2'], (_p: number, i: number) => i >= 3],
    [['--offset', `@${BASE + 2500}`], (_p: number, i: number) => i >= 3],
    [['--offset', `@${new Date(BASE + 1000).toISOString()}`], (_p: number, i: number) => i >= 1],
    [['--offset', `@${BASE + 36_000_000}`], () => false],
    [['--offset', '-2', '--partition', '1'], (p: number, i: number) => p === 1 && i >= 3],
    [['--from-beginning', '--partition', '0', '--partition', '2'], (p: number) => p !== 1],
  ])('%j with --exit', async (args, filter) => {
    const r = await runCli(['consume', topic, ...args, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r).sort(), r.stderr).toEqual(expected(filter));
    expect(r.stderr).toMatch(/^\d+ records? in \d+\.\d s \(\d+ records\/s\)\n$/);
  });

  it('notes an absolute offset past the end and starts there', async () => {
    const r = await runCli(['consume', topic, '--offset', '99', '--partition', '0', '-e']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('partition 0: offset 99 is past the end; starting at 5');
  });

  it('stops after --max-messages, and after --timeout-ms without a record', async () => {
    const few = await runCli(['consume', topic, '--from-beginning', '-n', '4', '--quiet']);
    expect(few.code, few.stderr).toBe(0);
    expect(lines(few)).toHaveLength(4);
    expect(few.stderr).toBe('');
    const idle = await runCli(['consume', topic, '--from-beginning', '--timeout-ms', '2000']);
    expect(idle.code, idle.stderr).toBe(0);
    expect(lines(idle).sort()).toEqual(expected(() => true));
    expect(idle.stderr).toContain('15 records in');
  });

  it('prints records in partition order', async () => {
    const r = await runCli(['consume', topic, '--from-beginning', '-e', '--partition', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r)).toEqual(['p2-0', 'p2-1', 'p2-2', 'p2-3', 'p2-4']);
  });

  it('follows new records by default and leaves no consumer group behind', async () => {
    const clientId = uniqueName('follow');
    const running = runCli(['consume', topic, '-n', '2', '--client-id', clientId]);
    const producer = await testProducer();
    let done = false;
    void running.then(() => (done = true));
    // The consumer starts at the end once it has joined: keep producing until it has seen two new records.
    for (let i = 0; !done && i < 100; i++) {
      await producer.send({ topic, messages: [{ value: `new-${i}`, partition: 0 }] });
      await new Promise((r) => setTimeout(r, 300));
    }
    await producer.disconnect();
    const r = await running;
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r)).toHaveLength(2);
    expect(lines(r).every((l) => l.startsWith('new-'))).toBe(true);
    expect((await consumerGroups()).filter((g) => g.startsWith(`${clientId}-consume-`))).toEqual([]);
  });
});

describe('kstream consume: output formats', () => {
  let topic: string;
  beforeAll(async () => {
    topic = uniqueName('consume-fmt');
    await createTestTopic(topic, 1);
    const producer = await testProducer();
    await producer.send({
      topic,
      messages: [
        { key: 'alice', value: 'hello', headers: { trace: 't1', tag: ['a', 'b'] }, timestamp: String(BASE) },
        { key: null, value: null, timestamp: String(BASE + 1) },
        { key: Buffer.from([0xff, 0x01]), value: Buffer.from([0xc3, 0x28]), timestamp: String(BASE + 2) },
      ],
    });
    await producer.disconnect();
  });

  it('prints kcat format strings', async () => {
    const r = await runCli(['consume', topic, '--from-beginning', '-e', '--format', '%t|%p|%o|%T|%k|%s|%h|%K|%S\\n']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe(`${topic}|0|0|${BASE}|alice|hello|trace=t1,tag=a,tag=b|5|5`);
    expect(out[1]).toBe(`${topic}|0|1|${BASE + 1}||||-1|-1`);
    const hex = await runCli(['consume', topic, '--offset', '2', '-e', '--format', '%k %s\\n', '--value-encoding', 'hex']);
    expect(hex.stdout).toBe('ff01 c328\n');
  });

  it('copies binary values unchanged in text output', async () => {
    const child = spawnSync(process.execPath, ['bin/kstream.js', 'consume', topic, '--offset', '2', '-e', '-q'], {
      env: { ...process.env, KSTREAM_BROKERS: brokers() },
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toEqual(Buffer.from([0xc3, 0x28, 0x0a]));
  });

  it('prints Kafka console-consumer fields with --print-* and --property', async () => {
    const flags = await runCli(['consume', topic, '--from-beginning', '-e', '--print-key', '--print-offset', '--print-headers', '-n', '2']);
    expect(flags.stdout).toBe('Offset:0\ttrace:t1,tag:a,tag:b\talice\thello\nOffset:1\tNO_HEADERS\tnull\tnull\n');
    const props = await runCli(['consume', topic, '--from-beginning', '-e', '-n', '1', '--property', 'print.key=true', '--property', 'key.separator=:', '--print-timestamp']);
    expect(props.stdout).toBe(`CreateTime:${BASE}:alice:hello\n`);
  });

  it('prints JSON envelopes, marking bytes that are not UTF-8', async () => {
    const r = await runCli(['consume', topic, '--from-beginning', '-e', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r).map((l) => JSON.parse(l))).toEqual([
      { topic, partition: 0, offset: 0, timestamp: BASE, key: 'alice', value: 'hello', headers: { trace: 't1', tag: ['a', 'b'] } },
      { topic, partition: 0, offset: 1, timestamp: BASE + 1, key: null, value: null, headers: {} },
      { topic, partition: 0, offset: 2, timestamp: BASE + 2, key: '/wE=', keyEncoding: 'base64', value: 'wyg=', valueEncoding: 'base64', headers: {} },
    ]);
  });

  it('reads back a record produced by kcat -K:', async () => {
    const t = uniqueName('consume-kcat');
    await createTestTopic(t, 1);
    const kcat = spawnSync('kcat', ['-P', '-b', brokers(), '-t', t, '-K:'], { input: 'user1:{"a":1}\nuser2:plain text\n' });
    expect(kcat.status, kcat.stderr.toString()).toBe(0);
    const r = await runCli(['consume', t, '--from-beginning', '-e', '--format', '%k=%s\\n']);
    expect(r.stdout).toBe('user1={"a":1}\nuser2=plain text\n');
  });
});

describe('kstream consume: transactions', () => {
  it('hides aborted records with read_committed and shows them with read_uncommitted', async () => {
    const topic = uniqueName('consume-tx');
    await createTestTopic(topic, 1);
    const producer = (await testKafka()).producer({ transactionalId: uniqueName('tx'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'kept-1' }, { value: 'kept-2' }] });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'aborted-1' }] });
    await aborted.abort();
    await producer.disconnect();

    const rc = await runCli(['consume', topic, '--from-beginning', '-e']);
    expect(rc.code, rc.stderr).toBe(0);
    expect(rc.stdout).toBe('kept-1\nkept-2\n');
    const ru = await runCli(['consume', topic, '--from-beginning', '-e', '--isolation-level', 'read_uncommitted']);
    expect(ru.stdout).toBe('kept-1\nkept-2\naborted-1\n');
  });
});

describe('kstream consume: bad input', () => {
  it('fails with one line and exit 1', async () => {
    const topic = uniqueName('consume-bad');
    await createTestTopic(topic, 2);
    const missing = uniqueName('consume-missing');
    const cases: Array<[string[], RegExp]> = [
      [['consume', missing], new RegExp(`topic '${missing}' does not exist`)],
      [['consume', topic, '--offset', 'first'], /--offset 'first' is not an offset/],
      [['consume', topic, '--offset', '@yesterday'], /--offset '@yesterday' is not a time/],
      [['consume', topic, '--partition', '2'], new RegExp(`topic '${topic}' has no partition 2 \\(it has 2 partition\\(s\\): 0 to 1\\)`)],
      [['consume', topic, '--partition', '-1'], /--partition must be a whole number/],
      [['consume', topic, '--from-beginning', '--offset', '3'], /either --from-beginning or --offset/],
      [['consume', topic, '--property', 'print.values=true'], /unknown --property 'print.values'/],
      [['consume', topic, '--format', '%x'], /unknown token '%x'/],
      [['consume', topic, '-g', 'g1', '--partition', '0'], /--partition cannot be combined with --group/],
      [['consume', topic, '-n', '0'], /--max-messages must be a whole number/],
      [['consume', topic, '--output', 'json', '--format', '%s'], /--output json prints whole records/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout, args.join(' ')).toBe('');
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errors, args.join(' ') + '\n' + r.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(message);
    }
  });
});
