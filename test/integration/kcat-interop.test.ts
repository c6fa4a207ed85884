// kstream's kcat habits against kcat itself on the same topic: -J's shape, and -o s@/e@ time ranges.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopics, testKafka } from '../helpers/kafka.js';

const topic = uniqueName('kcat-interop');

function kcat(args: string[]): string {
  const r = spawnSync('kcat', ['-b', brokers(), ...args], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  await createTestTopics([topic], 2);
  const producer = (await testKafka()).producer();
  await producer.connect();
  // Ten records a second apart, keyed so both partitions get some, one with headers, one tombstone.
  await producer.send({
    topic,
    messages: Array.from({ length: 10 }, (_, i) => ({
      partition: i % 2,
      key: i === 3 ? null : `k${i}`,
      value: i === 7 ? null : `v${i}`,
      timestamp: String(1_700_000_000_000 + i * 1000),
      headers: i === 4 ? { h: 'x', g: 'y' } : undefined,
    })),
  });
  await producer.disconnect();
});

const byPartitionThenOffset = (lines: string) => lines.trim().split('\n').sort();

describe('kcat interop', () => {
  it('-J prints what kcat -J prints (but the broker id)', async () => {
    const ours = await runCli(['consume', '-C', '-t', topic, '-e', '-J', '-q']);
    expect(ours.code, ours.stderr).toBe(0);
    const theirs = kcat(['-C', '-t', topic, '-e', '-J', '-q']);
    const noBroker = (text: string) => byPartitionThenOffset(text.replace(/"broker":-?\d+/g, '"broker":0'));
    expect(noBroker(ours.stdout)).toEqual(noBroker(theirs));
    expect(ours.stdout).toContain('"headers":["h","x","g","y"]');
  });

  it.each([
    [['-o', 's@1700000003000', '-o', 'e@1700000007000']],
    [['-o', 's@1700000005500']],
    [['-o', 'e@1700000002000']],
    [['-o', '-2']],
    [['-o', 'beginning']],
  ])('-C -t T %j -e -f prints the records kcat prints', async (offsets) => {
    const format = ['-f', '%p %o %T %k %s\\n'];
    const ours = await runCli(['consume', '-C', '-t', topic, ...offsets, '-e', '-q', ...format]);
    expect(ours.code, ours.stderr).toBe(0);
    const theirs = kcat(['-C', '-t', topic, ...offsets, '-e', '-q', ...format]);
    expect(byPartitionThenOffset(ours.stdout)).toEqual(byPartitionThenOffset(theirs));
    expect(theirs.trim()).not.toBe('');
  });

  it('-K prints key DELIM value as kcat does, null as nothing', async () => {
    const ours = await runCli(['consume', '-t', topic, '-e', '-q', '-K', '=']);
    expect(byPartitionThenOffset(ours.stdout)).toEqual(byPartitionThenOffset(kcat(['-C', '-t', topic, '-e', '-q', '-K', '='])));
  });
});
