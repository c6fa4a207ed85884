import { describe, expect, it } from 'vitest';
import { translateKafkaArgs } from '../../src/compat/index.js';
import { applyFilters, type TopicDescription } from '../../src/commands/topics/describe.js';
import { parseBefore, parseOffsetsJson } from '../../src/commands/topics/delete-records.js';
import { intersect, problemsOf } from '../../src/kafka/admin/cluster-info.js';
import { planReplicationFactor } from '../../src/kafka/admin/reassign.js';
import { pickVersion } from '../../src/kafka/protocol/request.js';
import type { KafkajsBroker } from '../../src/kafka/cluster.js';

const t = (line: string) => translateKafkaArgs(line.split(' ')).args.join(' ');

describe('planReplicationFactor', () => {
  const brokers = [1, 2, 3];
  it('grows each partition with the least-loaded brokers, keeping its replicas first', () => {
    const plan = planReplicationFactor([{ partition: 0, replicas: [1] }, { partition: 1, replicas: [2] }, { partition: 2, replicas: [3] }], brokers, 3);
    expect(plan.map((p) => p.replicas[0])).toEqual([1, 2, 3]);
    for (const p of plan) expect([...p.replicas].sort()).toEqual([1, 2, 3]);
  });
  it('spreads the added replicas: every broker holds the same number', () => {
    const plan = planReplicationFactor([0, 1, 2, 3, 4, 5].map((partition) => ({ partition, replicas: [1 + (partition % 3)] })), brokers, 2);
    const load = new Map<number, number>();
    for (const p of plan) for (const r of p.replicas) load.set(r, (load.get(r) ?? 0) + 1);
    expect([...load.values()]).toEqual([4, 4, 4]);
    for (const p of plan) expect(new Set(p.replicas).size).toBe(2);
  });
  it('shrinks by keeping the first replicas (the preferred leader)', () => {
    expect(planReplicationFactor([{ partition: 0, replicas: [3, 1, 2] }], brokers, 2)).toEqual([{ partition: 0, replicas: [3, 1] }]);
  });
});

describe('delete-records input', () => {
  it('parses --before as an offset, end or @TIME', () => {
    expect(parseBefore('42')).toEqual({ offset: 42 });
    expect(parseBefore('end')).toEqual({ end: true });
    expect(parseBefore('@2024-05-01T00:00:00Z')).toEqual({ time: Date.parse('2024-05-01T00:00:00Z') });
    expect(() => parseBefore('@yesterday')).toThrow("--before @yesterday: 'yesterday' is not a time");
    expect(() => parseBefore('-3')).toThrow('--before must be a whole number (at least 0)');
  });
  it("reads kafka-delete-records.sh's JSON and names what is wrong in it", () => {
    expect(parseOffsetsJson('{"partitions":[{"topic":"t","partition":1,"offset":-1}],"version":1}', 'f.json')).toEqual([{ topic: 't', partition: 1, offset: -1 }]);
    expect(() => parseOffsetsJson('{', 'f.json')).toThrow(/^f\.json is not JSON/);
    expect(() => parseOffsetsJson('{"partitions":[]}', 'f.json')).toThrow('f.json has no "partitions" list');
    expect(() => parseOffsetsJson('{"partitions":[{"topic":"t","offset":1}]}', 'f.json')).toThrow('f.json: partitions[0] needs a "topic", a "partition" and an "offset"');
  });
  it('turns the script into the kstream command, without a question', () => {
    expect(t('delete-records --bootstrap-server b:9092 --offset-json-file f.json')).toBe('topics delete-records --bootstrap-server b:9092 --offset-json-file f.json --yes');
    expect(() => t('delete-records --bootstrap-server b:9092')).toThrow('kafka-delete-records.sh needs --offset-json-file FILE');
  });
});

describe("kafka-topics.sh's --topic patterns and filters", () => {
  it('--list and --describe take a pattern as --regex; a plain name stays a name', () => {
    expect(t('topics --list --topic orders.*')).toBe('topics list --internal --regex orders.*');
    expect(t('topics --describe --topic orders-.*')).toBe('topics describe --internal --regex orders-.*');
    expect(t('topics --describe --topic orders')).toBe('topics describe orders --internal');
    expect(t('topics --describe --under-replicated-partitions')).toBe('topics describe --under-replicated-partitions --internal');
  });
});

describe('topic filters', () => {
  const topic = (name: string, minIsr: number, partitions: Array<[leader: number, replicas: number[], isr: number[]]>, overrides: string[] = []): TopicDescription => ({
    name, minIsr, overrides, configs: [],
    partitions: partitions.map(([leader, replicas, isr], partition) => ({ partition, leader, replicas, isr, lowWatermark: 0, highWatermark: 0, records: 0, recordsExact: false })),
  });
  const all = [
    topic('healthy', 2, [[1, [1, 2, 3], [1, 2, 3]]]),
    topic('lagging', 2, [[1, [1, 2, 3], [1, 2]], [2, [2, 3, 1], [2]]], ['retention.ms']),
    topic('offline', 1, [[-1, [3], []]]),
  ];
  const pick = (f: Parameters<typeof applyFilters>[1]) => applyFilters(all, f).map((d) => [d.name, d.partitions.map((p) => p.partition)]);
  it('keeps the partitions that match, and drops topics left with none', () => {
    expect(pick({ underReplicated: true })).toEqual([['lagging', [0, 1]], ['offline', [0]]]);
    expect(pick({ unavailable: true })).toEqual([['offline', [0]]]);
    expect(pick({ atMinIsr: true })).toEqual([['lagging', [0]]]);
    expect(pick({ underMinIsr: true })).toEqual([['lagging', [1]], ['offline', [0]]]);
    expect(pick({ withOverrides: true })).toEqual([['lagging', [0, 1]]]);
    expect(pick({})).toEqual([['healthy', [0]], ['lagging', [0, 1]], ['offline', [0]]]);
  });
});

describe('cluster health and API versions', () => {
  it('names every problem of a partition', () => {
    expect(problemsOf({ leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], minIsr: 2 })).toEqual([]);
    expect(problemsOf({ leader: 1, replicas: [1, 2, 3], isr: [1], minIsr: 2 })).toEqual(['under-replicated', 'below-min-isr']);
    expect(problemsOf({ leader: -1, replicas: [3], isr: [], minIsr: 1 })).toEqual(['offline', 'under-replicated', 'below-min-isr']);
  });
  it('the cluster speaks the versions every broker speaks', () => {
    const a = [{ key: 0, name: 'Produce', min: 0, max: 11 }, { key: 60, name: 'DescribeCluster', min: 0, max: 1 }];
    const b = [{ key: 0, name: 'Produce', min: 3, max: 9 }];
    expect(intersect([a, b])).toEqual([{ key: 0, name: 'Produce', min: 3, max: 9 }]);
    expect(intersect([a])).toEqual(a);
  });
  it('a request the broker does not speak is one line naming it', () => {
    const broker = { nodeId: 2, versions: { 43: { minVersion: 0, maxVersion: 0 } } } as unknown as KafkajsBroker;
    expect(() => pickVersion(broker, 43, 'ElectLeaders', { min: 1, max: 2 })).toThrow('broker 2 does not support ElectLeaders (API key 43)');
    expect(() => pickVersion(broker, 60, 'DescribeCluster', { min: 0, max: 0 })).toThrow('broker 2 does not support DescribeCluster (API key 60)');
    expect(pickVersion({ ...broker, versions: { 43: { minVersion: 0, maxVersion: 2 } } }, 43, 'ElectLeaders', { min: 1, max: 2 })).toBe(2);
  });
});
