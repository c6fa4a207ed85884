import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, uniqueName } from '../helpers/cli.js';
import { killNode, nodePid, startTestCluster, waitForFullIsr, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/pipeline.js';

interface Described { partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>; configs: Array<{ name: string; value: string }> }

describe('kstream local start --nodes 3', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster(3);
  }, 300_000);
  afterAll(async () => cluster?.stop(), 120_000);

  const describeTopic = async (topic: string): Promise<Described> => {
    const r = await runCli(['-b', cluster.bootstrap, 'topics', 'describe', topic, '-o', 'json', '--all-configs']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Described;
  };

  it('prints the bootstrap of three nodes and reports each one', async () => {
    const p = cluster.port;
    expect(cluster.bootstrap).toBe(`127.0.0.1:${p},127.0.0.1:${p + 1},127.0.0.1:${p + 2}`);
    const status = await cluster.local(['status', '-o', 'json']);
    expect(status.code, status.stderr).toBe(0);
    const view = JSON.parse(status.stdout);
    expect(view).toMatchObject({ running: true, bootstrap: cluster.bootstrap });
    expect(view.nodes.map((n: { nodeId: number; port: number; running: boolean }) => [n.nodeId, n.port, n.running])).toEqual([[1, p, true], [2, p + 1, true], [3, p + 2, true]]);

    const again = await cluster.local(['start', '--nodes', '3']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a local cluster of 3 nodes is already running at ${cluster.bootstrap}`);
    const otherSize = await cluster.local(['start', '--nodes', '2']);
    expect(otherSize.code).toBe(1);
    expect(otherSize.stderr).toMatch(/holds a cluster of 3 nodes, not 2/);
  });

  it('creates topics with three replicas, all in sync, and two required for acks=all', async () => {
    const topic = uniqueName('cluster-topic');
    const create = await runCli(['-b', cluster.bootstrap, 'topics', 'create', topic, '--partitions', '3']);
    expect(create.code, create.stderr).toBe(0);
    await waitForFullIsr(cluster.bootstrap, [topic]);
    const d = await describeTopic(topic);
    for (const p of d.partitions) {
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect([...p.isr].sort()).toEqual([1, 2, 3]);
      expect(p.replicas).toContain(p.leader);
    }
    expect(d.configs.find((c) => c.name === 'min.insync.replicas')?.value).toBe('2');
  });

  it("changes one broker's dynamic config on that broker only (configs alter --broker N)", async () => {
    const alter = await runCli(['-b', cluster.bootstrap, 'configs', 'alter', '--broker', '2', '--add-config', 'log.cleaner.threads=2']);
    expect(alter.code, alter.stderr).toBe(0);
    expect(alter.stderr).toBe('broker 2: set log.cleaner.threads=2\n');
    // Each describe goes to the broker it names, which learns the change from the metadata log.
    const threads = async (id: string) => {
      const r = await runCli(['-b', cluster.bootstrap, 'configs', 'describe', '--broker', id, '--all', '-o', 'json']);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { configs: Array<{ name: string; value: string; source: string }> }).configs.find((e) => e.name === 'log.cleaner.threads');
    };
    await waitFor('broker 2 to report its own log.cleaner.threads', async () => (await threads('2'))?.source === 'DYNAMIC_BROKER_CONFIG', 60_000);
    expect(await threads('2')).toMatchObject({ value: '2', source: 'DYNAMIC_BROKER_CONFIG' });
    expect(await threads('3')).toMatchObject({ value: '1', source: 'DEFAULT_CONFIG' });
    expect((await runCli(['-b', cluster.bootstrap, 'configs', 'alter', '--broker', '2', '--delete-config', 'log.cleaner.threads'])).code).toBe(0);
  });

  it('after kill -9 of a node: status names it, a leader moves, and start brings back only that node', async () => {
    const topic = uniqueName('cluster-bounce');
    const create = await runCli(['-b', cluster.bootstrap, 'topics', 'create', topic, '--partitions', '3']);
    expect(create.code, create.stderr).toBe(0);
    await waitForFullIsr(cluster.bootstrap, [topic]);
    const victim = (await describeTopic(topic)).partitions[0]!.leader;
    const others = [1, 2, 3].filter((n) => n !== victim).map((n) => nodePid(cluster, n));
    await killNode(cluster, victim);

    const status = await cluster.local(['status']);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`node ${victim} not running`);
    expect(status.stderr).toContain(`1 of 3 nodes not running (node ${victim})`);
    // Once the controller fences the dead node, another replica leads and the ISR drops it.
    await waitFor('a new leader of partition 0', async () => {
      const r = await runCli(['-b', cluster.bootstrap, 'topics', 'describe', topic, '-o', 'json']);
      if (r.code !== 0) return false;
      const p0 = (JSON.parse(r.stdout) as Described).partitions[0]!;
      return p0.leader !== victim && p0.leader > 0 && !p0.isr.includes(victim);
    });

    const restart = await cluster.local(['start']);
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stdout).toBe(cluster.bootstrap + '\n');
    expect(restart.stderr).toContain(`started node ${victim} `);
    expect([1, 2, 3].filter((n) => n !== victim).map((n) => nodePid(cluster, n))).toEqual(others);
    await waitForFullIsr(cluster.bootstrap, [topic]);
    expect((await cluster.local(['status'])).code).toBe(0);
  }, 300_000);

  it('stops every node', async () => {
    const stop = await cluster.local(['stop']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stderr).toContain(`stopped 3 of 3 nodes of the cluster at ${cluster.bootstrap}`);
    const status = await cluster.local(['status']);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/^error: no node of the cluster runs/);
  }, 120_000);
});
