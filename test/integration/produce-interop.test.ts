import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createTopic, kcat, lines, readTopic } from '../helpers/produce.js';

const topicWith = (partitions: number) => createTopic('produce-kcat', partitions);

const keyed = lines(30, 1, (i) => `key-${i % 7}:value ${i}`);

describe('kstream produce and kcat', () => {
  it('kcat reads back the keys and values kstream produced', async () => {
    const topic = await topicWith(1);
    const r = await runCli(['produce', topic, '-K:', '-q'], { input: keyed + 'tail:no newline at end' });
    expect(r.code, r.stderr).toBe(0);
    expect(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%k:%s\n'])).toBe(keyed + 'tail:no newline at end\n');
  });

  it('kstream places keys where the Java client does, as kcat with its murmur2 partitioner does', async () => {
    const ours = await topicWith(4);
    const theirs = await topicWith(4);
    expect((await runCli(['produce', ours, '-K:', '-q'], { input: keyed })).code).toBe(0);
    // kcat's default partitioner differs (consistent_random, CRC32); murmur2_random is the Java-compatible one.
    kcat(['-P', '-t', theirs, '-K:', '-X', 'topic.partitioner=murmur2_random'], keyed);
    const placement = (out: string) => [...new Set(out.trim().split('\n'))].sort();
    const format = ['-C', '-e', '-q', '-f', '%k %p\n'];
    expect(placement(kcat([...format, '-t', ours]))).toEqual(placement(kcat([...format, '-t', theirs])));
  });

  it('records kcat produced with -K: read back with their keys and values', async () => {
    const topic = await topicWith(2);
    kcat(['-P', '-t', topic, '-K:'], keyed);
    const records = await readTopic(topic);
    expect(records.map((r) => `${r.key}:${r.value}\n`).sort()).toEqual(keyed.split(/(?<=\n)/).sort());
  });
});
