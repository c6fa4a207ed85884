// Reassignment and leader election need several brokers: one local 3-node cluster for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, uniqueName } from '../helpers/cli.js';
import { startTestCluster, waitForFullIsr, type TestCluster } from '../helpers/cluster.js';
import { createTestTopics, withTestAdmin } from '../helpers/kafka.js';
import { waitFor } from '../helpers/pipeline.js';

interface Partition { partition: number; leader: number; replicas: number[]; isr: number[] }

describe('reassignment and leader election on a 3-node cluster', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster(3);
  }, 300_000);
  afterAll(async () => cluster?.stop(), 120_000);

  const cli = (args: string[]) => runCli(['-b', cluster.bootstrap, ...args]);
  const partitions = async (topic: string): Promise<Partition[]> => {
    const r = await cli(['topics', 'describe', topic, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { partitions: Partition[] }).partitions;
  };

  it('cluster describe lists three brokers, one controller, and the versions all of them speak', async () => {
    const r = await cli(['cluster', 'describe', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.brokers.map((b: { nodeId: number; port: number }) => [b.nodeId, b.port])).toEqual([[1, cluster.port], [2, cluster.port + 1], [3, cluster.port + 2]]);
    expect(d.brokers.filter((b: { controller: boolean }) => b.controller)).toHaveLength(1);
    expect(d.apiVersions.find((a: { key: number }) => a.key === 45)).toMatchObject({ name: 'AlterPartitionReassignments', min: 0 });
  });

  it('topics alter --replication-factor grows and shrinks the replicas, and waits until they are in sync', async () => {
    const topic = uniqueName('rf');
    const create = await cli(['topics', 'create', topic, '--partitions', '3', '--replication-factor', '1']);
    expect(create.code, create.stderr).toBe(0);
    expect((await partitions(topic)).map((p) => p.replicas.length)).toEqual([1, 1, 1]);

    const grow = await cli(['topics', 'alter', topic, '--replication-factor', '3', '--timeout', '60s']);
    expect(grow.code, grow.stderr).toBe(0);
    expect(grow.stderr).toMatch(new RegExp(`^${topic}: replication factor: 1 -> 3 \\(0:\\[\\d,\\d,\\d\\] 1:`));
    // The command returned once the new replicas were in sync: no waiting here.
    for (const p of await partitions(topic)) {
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect([...p.isr].sort()).toEqual([1, 2, 3]);
    }
    const before = await partitions(topic);

    const shrink = await cli(['topics', 'alter', topic, '-r', '2', '--timeout', '60s']);
    expect(shrink.code, shrink.stderr).toBe(0);
    const after = await partitions(topic);
    // The first replicas stay, so each partition keeps its preferred leader.
    expect(after.map((p) => p.replicas)).toEqual(before.map((p) => p.replicas.slice(0, 2)));

    const same = await cli(['topics', 'alter', topic, '-r', '2']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toBe(`${topic}: replication factor: already 2\n`);
  }, 180_000);

  it('fails in one line for too many replicas and for an unknown topic', async () => {
    const topic = uniqueName('rf-bad');
    await createTestTopics([topic], 1, { brokers: cluster.bootstrap });
    const many = await cli(['topics', 'alter', topic, '--replication-factor', '4']);
    expect(many.code).toBe(1);
    expect(many.stderr).toBe('error: --replication-factor 4 needs 4 brokers; the cluster has 3 (pass at most 3)\n');
    const unknown = await cli(['topics', 'alter', uniqueName('nope'), '--replication-factor', '2']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: topic '.*' does not exist \(/);
    const elect = await cli(['topics', 'elect-leaders', uniqueName('nope')]);
    expect(elect.code).toBe(1);
    expect(elect.stderr).toMatch(/^error: topic '.*' does not exist \(/);
  });

  it('topics elect-leaders moves leadership to the preferred replica', async () => {
    const topic = uniqueName('elect');
    await createTestTopics([topic], 1, { brokers: cluster.bootstrap });
    await waitForFullIsr(cluster.bootstrap, [topic]);
    const [p0] = await partitions(topic);
    const leader = p0!.leader;
    // Make another broker the preferred (first) replica; a reassignment that keeps the leader in the
    // set leaves it leading, so the partition is then led by a replica that is not preferred.
    const preferred = p0!.replicas.find((r) => r !== leader)!;
    const order = [preferred, ...p0!.replicas.filter((r) => r !== preferred)];
    await withTestAdmin((a) => a.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: order }] }] }), cluster.bootstrap);
    await waitFor('the new replica order', async () => {
      const [p] = await partitions(topic);
      return p!.replicas[0] === preferred && p!.isr.length === 3;
    });
    // The controller's own rebalance (auto.leader.rebalance.enable) checks every 300 s; if it moved
    // the leader meanwhile, this test has nothing to elect and says so.
    expect((await partitions(topic))[0]!.leader, 'the controller rebalanced on its own').toBe(leader);

    const r = await cli(['topics', 'elect-leaders', topic, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ name: `${topic}[0]`, ok: true, message: `leader is now broker ${preferred}, its preferred replica` }]);
    // Metadata reaches every broker a moment after the election.
    await waitFor(`broker ${preferred} leading`, async () => (await partitions(topic))[0]!.leader === preferred);

    const again = await cli(['topics', 'elect-leaders', topic, '-p', '0']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already led by broker \d; nothing to do/);
  }, 120_000);
});
