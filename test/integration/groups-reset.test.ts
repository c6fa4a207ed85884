import { describe, expect, it } from 'vitest';
import { runCli, uniqueName } from '../helpers/cli.js';
import { testProducer, withTestAdmin } from '../helpers/kafka.js';
import { consumeAndCommit, readAsGroup, seedTopic } from '../helpers/groups.js';
import { waitForLeaders } from '../../src/kafka/topic.js';

/** A topic with 6 and 4 records and a group that has read 3 and 2 of them. */
async function setup(prefix: string) {
  const topic = uniqueName(prefix);
  const group = uniqueName(`${prefix}-g`);
  await seedTopic(topic, [6, 4]);
  await consumeAndCommit(group, topic, [3, 2]);
  return { topic, group };
}

async function committed(group: string): Promise<Record<string, number[]>> {
  const offsets = await withTestAdmin((a) => a.fetchOffsets({ groupId: group }));
  return Object.fromEntries(offsets.map((t) => [t.topic, t.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset))]));
}

function values(partition: number, from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `p${partition}-${from + i}`);
}

/** Runs the dry run (checking it changes nothing), then --execute; returns the executed run's stderr. */
async function dryRunThenExecute(group: string, topic: string, args: string[], plan: string[]): Promise<string> {
  const dry = await runCli(['groups', 'reset-offsets', group, ...args]);
  expect(dry.code, dry.stderr).toBe(0);
  expect(dry.stdout.split('\n')).toEqual(['TOPIC\tPARTITION\tCURRENT-OFFSET\tNEW-OFFSET', ...plan.map((row) => `${topic}\t${row}`), '']);
  expect(dry.stderr).toContain('dry run: nothing committed');
  expect(await committed(group)).toEqual({ [topic]: [3, 2] });
  const run = await runCli(['groups', 'reset-offsets', group, ...args, '--execute']);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain(`offsets reset for group ${group}`);
  for (const row of plan) expect(run.stderr).toContain(`${topic}\t${row}`);
  return run.stderr;
}

// Each reset joins the group briefly (kafkajs setOffsets), a few seconds each on a busy machine.
describe.concurrent('kstream groups reset-offsets', { timeout: 120_000 }, () => {
  it('--to-earliest: the group reads everything again', async () => {
    const { topic, group } = await setup('r-earliest');
    await dryRunThenExecute(group, topic, ['--topic', topic, '--to-earliest'], ['0\t3\t0', '1\t2\t0']);
    expect(await committed(group)).toEqual({ [topic]: [0, 0] });
    expect(await readAsGroup(group, topic, 10)).toEqual([...values(0, 0, 6), ...values(1, 0, 4)].sort());
  });

  it('--to-latest: the group skips to new records', async () => {
    const { topic, group } = await setup('r-latest');
    await dryRunThenExecute(group, topic, ['--topic', topic, '--to-latest'], ['0\t3\t6', '1\t2\t4']);
    expect(await committed(group)).toEqual({ [topic]: [6, 4] });
    const producer = await testProducer();
    await producer.send({ topic, messages: [{ partition: 1, value: 'late' }] });
    await producer.disconnect();
    expect(await readAsGroup(group, topic, 1)).toEqual(['late']);
  });

  it('--to-offset, clamped to the log end with a warning', async () => {
    const { topic, group } = await setup('r-offset');
    const stderr = await dryRunThenExecute(group, topic, ['--topic', topic, '--to-offset', '5'], ['0\t3\t5', '1\t2\t4']);
    expect(stderr).toContain(`warning: ${topic}:1: offset 5 is past the log end offset 4; using 4`);
    expect(await readAsGroup(group, topic, 1)).toEqual(['p0-5']);
  });

  it('--shift-by back, clamped to the earliest offset with a warning', async () => {
    const { topic, group } = await setup('r-shift');
    const stderr = await dryRunThenExecute(group, topic, ['--topic', topic, '--shift-by', '-3'], ['0\t3\t0', '1\t2\t0']);
    expect(stderr).toContain(`warning: ${topic}:1: offset -1 is before the earliest offset 0; using 0`);
    expect(stderr).not.toContain(`${topic}:0: offset`);
    expect(await committed(group)).toEqual({ [topic]: [0, 0] });
    expect(await readAsGroup(group, topic, 10)).toEqual([...values(0, 0, 6), ...values(1, 0, 4)].sort());
  });

  it('--shift-by forward on some partitions only', async () => {
    const { topic, group } = await setup('r-shift-fwd');
    await dryRunThenExecute(group, topic, ['--topic', `${topic}:1`, '--shift-by=+1'], ['1\t2\t3']);
    expect(await committed(group)).toEqual({ [topic]: [3, 3] });
    expect(await readAsGroup(group, topic, 4)).toEqual([...values(0, 3, 6), 'p1-3'].sort());
  });

  it('--to-datetime: the first record at or after the time, else the log end', async () => {
    const topic = uniqueName('r-time');
    const group = uniqueName('r-time-g');
    await withTestAdmin(async (a) => {
      await a.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: false });
      await waitForLeaders(a, topic, 30_000);
    });
    const base = Date.now() - 3_600_000;
    const minute = 60_000;
    const producer = await testProducer();
    await producer.send({
      topic,
      messages: [
        ...[0, 1, 2, 3, 4, 5].map((i) => ({ partition: 0, value: `p0-${i}`, timestamp: String(base + i * minute) })),
        ...[0, 1].map((i) => ({ partition: 1, value: `p1-${i}`, timestamp: String(base + i * minute) })),
      ],
    });
    await producer.disconnect();
    await consumeAndCommit(group, topic, [1, 1]);
    const at = new Date(base + 2.5 * minute).toISOString();
    const dry = await runCli(['groups', 'reset-offsets', group, '--topic', topic, '--to-datetime', at]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n').slice(1, 3)).toEqual([`${topic}\t0\t1\t3`, `${topic}\t1\t1\t2`]);
    const run = await runCli(['groups', 'reset-offsets', group, '--topic', topic, '--to-datetime', at, '--execute', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      group,
      executed: true,
      offsets: [{ topic, partition: 0, current: 1, new: 3 }, { topic, partition: 1, current: 1, new: 2 }],
    });
    expect(await readAsGroup(group, topic, 3)).toEqual(['p0-3', 'p0-4', 'p0-5']);
  });

  it('--all-topics resets every topic the group has offsets for', async () => {
    const { topic, group } = await setup('r-all');
    const other = uniqueName('r-all-other');
    await seedTopic(other, [2]);
    await consumeAndCommit(group, other, [1]);
    const dry = await runCli(['groups', 'reset-offsets', group, '--all-topics', '--to-earliest', '-o', 'json']);
    expect(dry.code, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout).offsets.map((o: { topic: string; partition: number }) => `${o.topic}:${o.partition}`);
    expect(planned.sort()).toEqual([`${other}:0`, `${topic}:0`, `${topic}:1`].sort());
    const run = await runCli(['groups', 'reset-offsets', group, '--all-topics', '--to-earliest', '--execute']);
    expect(run.code, run.stderr).toBe(0);
    expect(await committed(group)).toEqual({ [topic]: [0, 0], [other]: [0] });
  });

  it('creates a new group at the chosen offsets, saying so', async () => {
    const topic = uniqueName('r-new');
    const group = uniqueName('r-new-g');
    await seedTopic(topic, [3]);
    const dry = await runCli(['groups', 'reset-offsets', group, '--topic', topic, '--to-offset', '2']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n')[1]).toBe(`${topic}\t0\t-\t2`);
    expect(dry.stderr).toContain(`group ${group} does not exist yet; --execute creates it with these offsets`);
    const run = await runCli(['groups', 'reset-offsets', group, '--topic', topic, '--to-offset', '2', '--execute']);
    expect(run.code, run.stderr).toBe(0);
    expect(await readAsGroup(group, topic, 1)).toEqual(['p0-2']);
  });
});
