import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopics } from '../helpers/kafka.js';
import { startAdvertisedBroker, type AdvertisedBroker } from '../helpers/advertised-broker.js';

interface ClusterJson {
  clusterId: string;
  controller: number;
  brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null; controller: boolean; advertisedListeners: string[]; apiVersions: Array<{ key: number; name: string; min: number; max: number }> }>;
  apiVersions: Array<{ key: number; name: string; min: number; max: number }>;
  unhealthy: Array<{ topic: string; partition: number; problems: string[] }>;
}

describe('kstream cluster describe', () => {
  it('shows the cluster id, the controller, the broker, its listeners and API versions', async () => {
    const r = await runCli(['cluster', 'describe', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as ClusterJson;
    const [host, port] = brokers().split(',')[0]!.split(':');
    expect(d.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(d.controller).toBe(1);
    expect(d.brokers).toHaveLength(1);
    expect(d.brokers[0]).toMatchObject({ nodeId: 1, host, port: Number(port), rack: null, controller: true });
    expect(d.brokers[0]!.advertisedListeners).toContain(`PLAINTEXT://${host}:${port}`);
    // Kafka 3.9 speaks DescribeCluster (60) v0-v1 and Fetch up to v17; the cluster range is the broker's own here.
    expect(d.apiVersions.find((a) => a.key === 60)).toMatchObject({ name: 'DescribeCluster', min: 0 });
    expect(d.apiVersions.find((a) => a.key === 1)!.max).toBeGreaterThanOrEqual(12);
    expect(d.apiVersions).toEqual(d.brokers[0]!.apiVersions);
    // Other test files share this broker and make unhealthy topics of their own: each is named.
    for (const p of d.unhealthy) expect(p.problems.length).toBeGreaterThan(0);
  });

  it('prints brokers as a table, plain rows and the API versions when asked, under both names', async () => {
    const plain = await runCli(['brokers', 'list']);
    expect(plain.code, plain.stderr).toBe(0);
    const lines = plain.stdout.split('\n');
    expect(lines[0]).toBe('BROKER\tHOST:PORT\tRACK\tCONTROLLER\tADVERTISED LISTENERS');
    expect(lines[1]).toMatch(new RegExp(`^1\t${brokers().split(',')[0]}\t-\tyes\tPLAINTEXT://`));
    expect(plain.stdout).toMatch(/\nCLUSTER\nCLUSTER ID\tCONTROLLER\tBROKERS\tUNHEALTHY PARTITIONS\n\S{22}\t1\t1\t\d+\n/);
    expect(plain.stdout).not.toContain('API VERSIONS');

    const apis = await runCli(['cluster', 'describe', '--api-versions', '-o', 'table']);
    expect(apis.code, apis.stderr).toBe(0);
    expect(apis.stdout).toMatch(/API VERSIONS\n.*\n│ API\s+│ KEY\s+│ CLUSTER\s+│ BROKER 1\s+│\n/);
    expect(apis.stdout).toMatch(/│ DescribeCluster\s+│ 60\s+│ 0-\d+\s+│ 0-\d+\s+│/);
  });

  it('lists a partition below its min ISR as unhealthy', async () => {
    // One broker cannot have two in-sync replicas: min.insync.replicas=2 puts every partition below it.
    const topic = uniqueName('below-min-isr');
    await createTestTopics([topic], 2, { configs: { 'min.insync.replicas': '2' } });
    const d = JSON.parse((await runCli(['cluster', 'describe', '-o', 'json'])).stdout) as ClusterJson;
    expect(d.unhealthy.filter((p) => p.topic === topic)).toEqual([
      expect.objectContaining({ topic, partition: 0, problems: ['below-min-isr'], minIsr: 2, isr: [1] }),
      expect.objectContaining({ topic, partition: 1, problems: ['below-min-isr'] }),
    ]);
  });

  it('is one line and exit 3 when no broker answers', async () => {
    const r = await runCli(['cluster', 'describe', '-b', '127.0.0.1:1', '--timeout', '2s']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: (cannot connect to|no answer from) the Kafka broker at 127\.0\.0\.1:1\b/);
  });
});

describe('a broker whose advertised listener cannot be reached', () => {
  let broker: AdvertisedBroker;
  beforeAll(async () => {
    broker = await startAdvertisedBroker();
  }, 240_000);
  afterAll(async () => broker?.stop(), 60_000);

  it('cluster describe names the address the broker advertises', async () => {
    const r = await runCli(['cluster', 'describe', '-b', broker.bootstrap, '--timeout', '5s']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`broker advertises ${broker.advertised}, which this client cannot reach (the bootstrap ${broker.bootstrap} answered)`);
    expect(r.stderr).toContain('advertised.listeners');
  });

  it('other commands name the advertised address too', async () => {
    for (const args of [['topics', 'describe'], ['produce', 'nowhere']]) {
      const r = await runCli(['-b', broker.bootstrap, '--timeout', '5s', ...args], { input: 'x\n' });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toContain(`a broker advertises ${broker.advertised}, which this client cannot reach (the bootstrap ${broker.bootstrap} answered)`);
    }
  }, 60_000);
});
