// consume over several topics and --include, windows by offset and time, find by key, filters.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/commands/produce/partitioner.js';
import { BIN, brokers, NO_CONFIG, runCli, uniqueName, type CliResult } from '../helpers/cli.js';
import { createTestTopic } from '../helpers/consume.js';
import { testProducer, withTestAdmin } from '../helpers/kafka.js';

type Msg = { key?: string | null; value: string; partition?: number; timestamp?: string; headers?: Record<string, string> };

async function topicWith(prefix: string, partitions: number, messages: Msg[]): Promise<string> {
  const topic = uniqueName(prefix);
  await createTestTopic(topic, partitions);
  if (messages.length > 0) await send(topic, messages);
  return topic;
}

async function send(topic: string, messages: Msg[]): Promise<void> {
  const producer = await testProducer();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

const lines = (r: CliResult): string[] => r.stdout.split('\n').filter((l) => l !== '');

async function committed(group: string, topic: string): Promise<number[]> {
  const [entry] = await withTestAdmin((a) => a.fetchOffsets({ groupId: group, topics: [topic] }));
  return entry!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

/** A running consume whose output can be awaited line by line. */
function startConsume(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'consume', ...args], { env: { ...process.env, KSTREAM_BROKERS: brokers(), KSTREAM_CONFIG: NO_CONFIG, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout.on('data', (d) => ((stdout += d), wake()));
  child.stderr.on('data', (d) => ((stderr += d), wake()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => (clearTimeout(killer), wake(), resolve(code))));
  return {
    exited,
    out: () => stdout,
    err: () => stderr,
    /** Resolves once `check` holds on what was printed so far (or the process ended). */
    async until(check: () => boolean): Promise<void> {
      while (!check() && child.exitCode === null) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

describe('kstream consume: several topics and --include', () => {
  it('reads several topics; every output says which topic a record came from', async () => {
    const a = await topicWith('read-a', 2, [{ value: 'a0', partition: 0 }, { value: 'a1', partition: 1 }]);
    const b = await topicWith('read-b', 1, [{ value: 'b0' }]);
    const plain = await runCli(['consume', a, b, '--from-beginning', '-e', '-q']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(lines(plain).sort()).toEqual([`${a}\ta0`, `${a}\ta1`, `${b}\tb0`]);
    const bare = await runCli(['consume', a, b, '--from-beginning', '-e', '-q', '--no-print-topic']);
    expect(lines(bare).sort()).toEqual(['a0', 'a1', 'b0']);
    const json = await runCli(['consume', a, b, '--from-beginning', '-e', '-q', '-o', 'json']);
    expect(lines(json).map((l) => `${JSON.parse(l).topic}:${JSON.parse(l).value}`).sort()).toEqual([`${a}:a0`, `${a}:a1`, `${b}:b0`]);
    const kcat = await runCli(['consume', a, b, '--from-beginning', '-e', '-q', '-J']);
    expect(lines(kcat).map((l) => `${JSON.parse(l).topic}:${JSON.parse(l).payload}`).sort()).toEqual([`${a}:a0`, `${a}:a1`, `${b}:b0`]);
    const format = await runCli(['consume', a, b, '--from-beginning', '-e', '-q', '--format', '%t/%p %s\\n']);
    expect(lines(format).sort()).toEqual([`${a}/0 a0`, `${a}/1 a1`, `${b}/0 b0`]);
    const props = await runCli(['consume', a, b, '--from-beginning', '-e', '-q', '--print-offset', '--property', 'key.separator=|']);
    expect(lines(props).sort()).toEqual([`${a}|Offset:0|a0`, `${a}|Offset:0|a1`, `${b}|Offset:0|b0`]);
  });

  it('--include reads the topics that match and those created while it runs, from their first record', async () => {
    const prefix = uniqueName('incl');
    const existing = await topicWith(`${prefix}-old`, 1, [{ value: 'old-1' }, { value: 'old-2' }]);
    // Not matched: a topic whose name only contains the pattern.
    const decoy = `x-${prefix}-new`;
    const run = startConsume(['--include', `${prefix}-.*`, '--from-beginning', '-n', '5']);
    await run.until(() => run.out().split('\n').length > 2);
    expect(run.out()).toBe(`${existing}\told-1\n${existing}\told-2\n`);
    // The run is reading: everything from here on was created while it runs.
    const fresh = `${prefix}-new`;
    await createTestTopic(fresh, 2);
    await createTestTopic(decoy, 1);
    await send(decoy, [{ value: 'decoy' }]);
    await send(fresh, [{ value: 'new-1', partition: 0 }, { value: 'new-2', partition: 1 }, { value: 'new-3', partition: 0 }]);
    expect(await run.exited, run.err()).toBe(0);
    expect(run.out().split('\n').filter(Boolean).slice(2).sort()).toEqual([`${fresh}\tnew-1`, `${fresh}\tnew-2`, `${fresh}\tnew-3`]);
    expect(run.err()).toContain(`--include: reading new topic '${fresh}' from its beginning`);
    expect(run.err()).not.toContain(decoy);
  });

  it('--include with --group joins again with a topic created while it runs, and commits it', async () => {
    const prefix = uniqueName('incl-g');
    const existing = await topicWith(`${prefix}-old`, 1, [{ value: 'old-1' }]);
    const group = uniqueName('g-incl-new');
    const run = startConsume(['--include', `${prefix}-.*`, '-g', group, '--from-beginning', '-n', '3']);
    await run.until(() => run.out().includes('\n'));
    expect(run.out()).toBe(`${existing}\told-1\n`);
    const fresh = `${prefix}-new`;
    await createTestTopic(fresh, 2);
    await send(fresh, [{ value: 'new-1', partition: 0 }, { value: 'new-2', partition: 1 }]);
    expect(await run.exited, run.err()).toBe(0);
    expect(run.out().split('\n').filter(Boolean).slice(1).sort()).toEqual([`${fresh}\tnew-1`, `${fresh}\tnew-2`]);
    expect(run.err()).toContain(`--include: new topic '${fresh}': joining group '${group}' again`);
    expect(await committed(group, existing)).toEqual([1]);
    expect(await committed(group, fresh)).toEqual([1, 1]);
  });

  it('--include with -e reads what matches at the start, and says when nothing does', async () => {
    const prefix = uniqueName('incl-e');
    const t1 = await topicWith(`${prefix}-1`, 1, [{ value: 'one' }]);
    const t2 = await topicWith(`${prefix}-2`, 1, [{ value: 'two' }]);
    const r = await runCli(['consume', '--include', `${prefix}-[12]-.*`, '--from-beginning', '-e', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r).sort()).toEqual([`${t1}\tone`, `${t2}\ttwo`]);
    const none = await runCli(['consume', '--include', `${prefix}-nothing`, '-e']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toContain('--include matches no topic');
    const group = uniqueName('g-incl');
    const g = await runCli(['consume', '--include', `${prefix}-[12]-.*`, '-g', group, '--from-beginning', '-e', '-q']);
    expect(g.code, g.stderr).toBe(0);
    expect(lines(g).sort()).toEqual([`${t1}\tone`, `${t2}\ttwo`]);
    expect([...(await committed(group, t1)), ...(await committed(group, t2))]).toEqual([1, 1]);
  });
});

describe('kstream consume: windows', () => {
  // Records with known timestamps around now, minutes apart: far from the edges of each window.
  const now = Date.now();
  const ago = (minutes: number) => String(now - minutes * 60_000);
  const timed: Msg[] = [
    { value: 't-180m', timestamp: ago(180) },
    { value: 't-120m', timestamp: ago(120) },
    { value: 't-50m', timestamp: ago(50) },
    { value: 't-20m', timestamp: ago(20) },
    { value: 't-2m', timestamp: ago(2) },
  ];

  it('--offset @-1h --until @-10m: records between two relative times', async () => {
    const topic = await topicWith('read-time', 1, timed);
    const r = await runCli(['consume', topic, '--offset', '@-1h', '--until', '@-10m', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r)).toEqual(['t-50m', 't-20m']);
    const iso = await runCli(['consume', topic, '--offset', `@${new Date(now - 150 * 60_000).toISOString()}`, '--until', `@${now - 30 * 60_000}`, '-q']);
    expect(lines(iso)).toEqual(['t-120m', 't-50m']);
    const toEnd = await runCli(['consume', topic, '--offset', '@-30m', '--until', 'end', '-q']);
    expect(lines(toEnd)).toEqual(['t-20m', 't-2m']);
    const group = uniqueName('g-window');
    const g = await runCli(['consume', topic, '-g', group, '--offset', '@-3h', '--until', '@-1h', '-q']);
    expect(g.code, g.stderr).toBe(0);
    expect(lines(g)).toEqual(['t-120m']);
    expect(await committed(group, topic)).toEqual([2]);
  });

  it('--until N stops every partition before offset N', async () => {
    const topic = await topicWith('read-until', 2, [0, 1].flatMap((p) => [0, 1, 2, 3].map((i) => ({ value: `p${p}-${i}`, partition: p }))));
    const r = await runCli(['consume', topic, '--offset', '1', '--until', '3', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r).sort()).toEqual(['p0-1', 'p0-2', 'p1-1', 'p1-2']);
    const kcat = await runCli(['consume', '-t', topic, '-o', 's@0', '-o', `e@${Date.now() + 3_600_000}`, '-q', '-p', '1']);
    expect(lines(kcat)).toEqual(['p1-0', 'p1-1', 'p1-2', 'p1-3']);
  });

  it('groups reset-offsets --to-datetime -1h moves to the first record of the last hour', async () => {
    const topic = await topicWith('read-reset', 1, timed);
    const group = uniqueName('g-reset');
    const first = await runCli(['consume', topic, '-g', group, '--from-beginning', '-e', '-q']);
    expect(first.code, first.stderr).toBe(0);
    const reset = await runCli(['groups', 'reset-offsets', group, '--topic', topic, '--to-datetime', '-1h', '--execute']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(await committed(group, topic)).toEqual([2]);
  });
});

describe('kstream consume --key', () => {
  it('reads only the partition the key hashes to, and says so', async () => {
    const key = 'user-42';
    const home = partitionForKey(Buffer.from(key), 3);
    const decoyPartition = (home + 1) % 3;
    // kafkajs's default partitioner places the keyed records; the decoy is written to another partition on purpose.
    const topic = await topicWith('read-key', 3, [
      { key, value: 'first' },
      { key: 'other-1', value: 'not this key' },
      { key, value: 'decoy', partition: decoyPartition },
      { key: 'user-421', value: 'longer key' },
      { key, value: 'second' },
    ]);
    const r = await runCli(['consume', topic, '--key', key, '-e']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r)).toEqual(['first', 'second']);
    expect(r.stderr).toContain(`--key: reading only ${topic} partition ${home} of 3`);
    expect(r.stderr).toContain('needs --all-partitions');
    const all = await runCli(['consume', topic, '--key', key, '--all-partitions', '-e', '-q', '--print-partition']);
    expect(lines(all).sort()).toEqual([`Partition:${decoyPartition}\tdecoy`, `Partition:${home}\tfirst`, `Partition:${home}\tsecond`].sort());
    const late = await runCli(['consume', topic, '--key', key, '--offset', '1', '-e', '-q']);
    // 'first' is offset 0 of its partition: a window from offset 1 holds only 'second'.
    expect(lines(late)).toEqual(['second']);
  });
});

describe('kstream consume: filters', () => {
  const logs: Msg[] = [
    { key: 'a', value: '{"level":"info","n":1}', headers: { source: 'billing' } },
    { key: 'b', value: '{"level":"error","n":2}', headers: { source: 'shipping' } },
    { key: 'a', value: 'plain text: Timeout while reading', headers: { source: 'billing' } },
    { key: 'c', value: '{"level":"error","n":4}', headers: { source: 'billing' } },
    { key: 'b', value: '{"level":"error","n":5}' },
    { key: 'a', value: '{"level":"debug","n":6}' },
  ];

  it('--filter runs pipeline expressions; --grep, --grep-key, --grep-header match bytes as text; -n counts what was printed', async () => {
    const topic = await topicWith('read-filter', 1, logs);
    const f = await runCli(['consume', topic, '--from-beginning', '-e', '-q', '--filter', 'r.json?.level === "error"']);
    expect(f.code, f.stderr).toBe(0);
    expect(lines(f)).toEqual(['{"level":"error","n":2}', '{"level":"error","n":4}', '{"level":"error","n":5}']);
    const n = await runCli(['consume', topic, '--from-beginning', '-q', '--filter', 'r.json?.level === "error"', '-n', '2']);
    expect(n.code, n.stderr).toBe(0);
    expect(lines(n)).toEqual(['{"level":"error","n":2}', '{"level":"error","n":4}']);
    const both = await runCli(['consume', topic, '--from-beginning', '-e', '-q', '--filter', 'r.json?.level === "error"', '--grep-header', 'source=^bill']);
    expect(lines(both)).toEqual(['{"level":"error","n":4}']);
    const grep = await runCli(['consume', topic, '--from-beginning', '-e', '-q', '--grep', '/timeout/i']);
    expect(lines(grep)).toEqual(['plain text: Timeout while reading']);
    const grepKey = await runCli(['consume', topic, '--from-beginning', '-e', '-q', '--grep-key', '^b$', '--print-key']);
    expect(lines(grepKey)).toEqual(['b\t{"level":"error","n":2}', 'b\t{"level":"error","n":5}']);
    const meta = await runCli(['consume', topic, '--from-beginning', '-e', '-q', '--filter', 'r.offset % 2 === 1 && r.topic.startsWith("read-filter")', '--format', '%o\\n']);
    expect(lines(meta)).toEqual(['1', '3', '5']);
  });

  it('an expression that throws ends the run with one error line', async () => {
    const topic = await topicWith('read-filter-bad', 1, logs);
    const r = await runCli(['consume', topic, '--from-beginning', '-e', '--filter', 'r.json.level.length > 0']);
    expect(r.code).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors, r.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(/--filter 'r.json.level.length > 0' threw at read-filter-bad-\S+\/0@2/);
  });

  it('with a group, records a filter leaves out count as read: they are committed', async () => {
    const topic = await topicWith('read-filter-group', 1, logs);
    const group = uniqueName('g-filter');
    const r = await runCli(['consume', topic, '-g', group, '--from-beginning', '-e', '-q', '--grep', 'debug']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r)).toEqual(['{"level":"debug","n":6}']);
    expect(await committed(group, topic)).toEqual([6]);
    // Nothing printed at all: still every record read is committed.
    const none = uniqueName('g-filter-none');
    const empty = await runCli(['consume', topic, '-g', none, '--from-beginning', '-e', '-q', '--grep', 'no such text']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toBe('');
    expect(await committed(none, topic)).toEqual([6]);
    // -n 2 commits up to the second record printed, with the ones left out before it.
    const cut = uniqueName('g-filter-n');
    const two = await runCli(['consume', topic, '-g', cut, '--from-beginning', '-q', '--filter', 'r.json?.level === "error"', '-n', '2']);
    expect(two.code, two.stderr).toBe(0);
    expect(lines(two)).toEqual(['{"level":"error","n":2}', '{"level":"error","n":4}']);
    expect(await committed(cut, topic)).toEqual([4]);
    const rest = await runCli(['consume', topic, '-g', cut, '-e', '-q', '--filter', 'r.json?.level === "error"']);
    expect(lines(rest)).toEqual(['{"level":"error","n":5}']);
  });
});
