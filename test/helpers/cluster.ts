// A 3-node local cluster for integration tests, started through `kstream local start --nodes 3`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, portIsFree, readState } from '../../src/local/broker.js';
import { freePort } from '../../src/local/broker.js';
import { runCli, type CliResult } from './cli.js';
import { withTestAdmin } from './kafka.js';
import { waitFor } from './pipeline.js';

/** A first port P with P … P+n-1 all free on 127.0.0.1 (node N of a cluster listens on P + N - 1). */
export async function freePortBlock(n: number): Promise<number> {
  for (;;) {
    const first = await freePort();
    if (first + n > 65535) continue;
    const rest = await Promise.all(Array.from({ length: n - 1 }, (_, i) => portIsFree(first + i + 1)));
    if (rest.every(Boolean)) return first;
  }
}

export interface TestCluster {
  dataDir: string;
  port: number;
  bootstrap: string;
  /** `kstream local …` on this cluster's data dir. */
  local(args: string[]): Promise<CliResult>;
  stop(): Promise<void>;
}

export async function startTestCluster(nodes = 3): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kstream-cluster-test-'));
  const port = await freePortBlock(nodes);
  const local = (args: string[]) => runCli(['local', ...args, '--data-dir', dataDir], { killAfterMs: 240_000 });
  const start = await local(['start', '--nodes', String(nodes), '--port', String(port), '--wait', '180s']);
  if (start.code !== 0) throw new Error(`local start --nodes ${nodes} failed: ${start.stderr}`);
  return {
    dataDir, port, bootstrap: start.stdout.trim(), local,
    stop: async () => {
      await local(['stop', '--clean']);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The JVM pid of node `id` of the cluster, as the state file records it. */
export function nodePid(cluster: TestCluster, id: number): number {
  const state = readState(join(cluster.dataDir, `node-${id}`));
  if (!state || state.pid <= 0) throw new Error(`node ${id} has no recorded pid`);
  return state.pid;
}

/** kill -9 of node `id`'s JVM; resolves once the process is gone. */
export async function killNode(cluster: TestCluster, id: number): Promise<void> {
  const pid = nodePid(cluster, id);
  process.kill(pid, 'SIGKILL');
  await waitFor(`node ${id} (pid ${pid}) to exit`, async () => !isAlive(pid), 30_000);
}

export async function partitionLeader(bootstrap: string, topic: string, partition: number): Promise<number> {
  return withTestAdmin(async (admin) => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]!.partitions.find((p) => p.partitionId === partition)!.leader;
  }, bootstrap);
}

/** Resolves once every partition of `topics` has all `replicas` in its ISR and a live leader. */
export async function waitForFullIsr(bootstrap: string, topics: string[], replicas = 3, timeoutMs = 180_000): Promise<void> {
  await waitFor(`a full ISR of ${topics.join(', ')}`, async () => {
    try {
      return await withTestAdmin(async (admin) => {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics });
        return meta.every((t) => t.partitions.every((p) => p.isr.length === replicas && p.leader >= 0));
      }, bootstrap);
    } catch {
      return false;
    }
  }, timeoutMs);
}

/** Kafka's `Utils.abs(s.hashCode()) % n`: the internal-topic partition whose leader coordinates group or transactional id `s`. */
export function coordinatorPartition(id: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}

/** The internal topics that exist now (__consumer_offsets, __transaction_state): their ISR must be full too. */
export async function internalTopics(bootstrap: string): Promise<string[]> {
  return withTestAdmin(async (admin) => (await admin.listTopics()).filter((t) => t.startsWith('__')), bootstrap);
}

/** Starts node `id` again through `kstream local start` and waits until the ISR of `topics` and the internal topics is full. */
export async function restartNode(cluster: TestCluster, id: number, topics: string[]): Promise<void> {
  const r = await cluster.local(['start']);
  if (r.code !== 0 || !r.stderr.includes(`started node ${id} `)) throw new Error(`restart of node ${id} failed: ${r.stderr}`);
  await waitForFullIsr(cluster.bootstrap, [...topics, ...(await internalTopics(cluster.bootstrap))]);
}
