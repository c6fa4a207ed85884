// Kafka's broker-bounce system tests on a 3-node local cluster, started once for the file:
// replication factor 3, min.insync.replicas=2, acks=all, and the partition leader killed with
// kill -9 in the middle of a produce, a pipeline and a `consume -g`. Each must end exact: every
// record once, compared as sorted lists of payloads (set equality and no duplicate).
// Waits are bounded safety nets, never assertions about time.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, readState } from '../../src/local/broker.js';
import { BIN, runCli, uniqueName } from '../helpers/cli.js';
import {
  coordinatorPartition, killNode, partitionLeader, restartNode, startTestCluster, waitForFullIsr, type TestCluster,
} from '../helpers/cluster.js';
import { withTestAdmin } from '../helpers/kafka.js';
import { highWatermark, killSpawned, numbered, produceValues, readCommitted, spawnCli, waitFor } from '../helpers/pipeline.js';

describe('a 3-node cluster, the partition leader killed with kill -9', () => {
  let cluster: TestCluster;
  let b: string;
  beforeAll(async () => {
    cluster = await startTestCluster(3);
    b = cluster.bootstrap;
  }, 300_000);
  afterAll(async () => {
    killSpawned();
    await cluster?.stop();
  }, 120_000);

  // A failed case must not leave the next one with two nodes.
  afterEach(async () => {
    const down = [1, 2, 3].filter((id) => !isAlive(readState(join(cluster.dataDir, `node-${id}`))?.pid ?? -1));
    if (down.length) await cluster.local(['start']);
  }, 240_000);

  const createTopics = async (topics: string[]) => {
    const r = await runCli(['-b', b, 'topics', 'create', ...topics, '--partitions', '3', '--replication-factor', '3', '-c', 'min.insync.replicas=2']);
    expect(r.code, r.stderr).toBe(0);
    await waitForFullIsr(b, topics);
  };

  it('mid-produce: every line is in the topic exactly once', async () => {
    const topic = uniqueName('bounce-produce');
    await createTopics([topic]);
    const lines = numbered(100_000, 'p');
    const producer = spawn(process.execPath, [BIN, 'produce', topic, '--acks', 'all', '--timeout', '60s', '--quiet'], {
      env: { ...process.env, NO_COLOR: '1', KSTREAM_BROKERS: b }, stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    producer.stderr!.on('data', (d) => (stderr += d));
    // A producer that failed has closed its stdin: the failure is its exit code, not EPIPE here.
    producer.stdin!.on('error', () => undefined);
    const exited = new Promise<number | null>((done) => producer.on('close', (code) => done(code)));
    const write = (part: string[]) => new Promise<void>((done) => producer.stdin!.write(part.join('\n') + '\n', () => done()));

    const victim = await partitionLeader(b, topic, 0);
    await write(lines.slice(0, 60_000));
    await waitFor('the first records acknowledged', async () => (await highWatermark(b, topic)) >= 20_000);
    await killNode(cluster, victim);
    // The producer is still running with input to come: what follows must cross the failover.
    expect(producer.exitCode).toBeNull();
    await write(lines.slice(60_000));
    producer.stdin!.end();
    expect(await exited, stderr).toBe(0);

    await restartNode(cluster, victim, [topic]);
    expect(readCommitted(b, topic).sort()).toEqual(lines);
  }, 360_000);

  it('mid-pipeline: each input appears transformed exactly once, read with read_committed', async () => {
    const [src, dst] = [uniqueName('bounce-src'), uniqueName('bounce-dst')];
    await createTopics([src, dst]);
    const inputs = numbered(24_000, 'x');
    await produceValues(b, src, inputs);
    // Small batches: many transactions, so that the kill lands in the middle of the run.
    const run = spawnCli(['pipeline', 'run', '--from', src, '--to', dst, '--map', '"done-" + r.value', '--batch-size', '200', '--exit'], b);
    const victim = await partitionLeader(b, dst, 0);
    await waitFor('output of the pipeline', async () => (await highWatermark(b, dst)) >= 4_000);
    const before = await highWatermark(b, dst);
    await killNode(cluster, victim);
    expect(before).toBeLessThan(inputs.length);
    expect(run.child.exitCode).toBeNull();

    const done = await Promise.race([run.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 240_000))]);
    if (!done) run.child.kill('SIGKILL');
    expect(done?.code, run.output().stderr).toBe(0);
    await restartNode(cluster, victim, [src, dst]);
    expect(readCommitted(b, dst).sort()).toEqual(inputs.map((v) => `done-${v}`));
  }, 420_000);

  it('mid-consume -g: every record printed once, and the committed offsets at the end', async () => {
    const topic = uniqueName('bounce-consume');
    await createTopics([topic]);
    const { victim, group } = await leaderAndCoordinator(topic);
    const first = numbered(20_000, 'c');
    const second = numbered(20_000, 'd');
    await produceValues(b, topic, first);

    const outFile = join(cluster.dataDir, `${group}.out`);
    const out = openSync(outFile, 'w');
    // stdout is a file, so each record is committed as soon as it is written (no pipe allowance).
    const consumer = spawn(process.execPath, [BIN, 'consume', topic, '-g', group, '--from-beginning'], {
      env: { ...process.env, NO_COLOR: '1', KSTREAM_BROKERS: b }, stdio: ['ignore', out, 'pipe'],
    });
    closeSync(out);
    let stderr = '';
    consumer.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => consumer.on('close', (code, signal) => done({ code, signal })));
    const printed = () => readFileSync(outFile, 'utf8').split('\n').filter((l) => l !== '');
    try {
      await waitFor('the first records printed', async () => printed().length >= first.length);
      await killNode(cluster, victim);
      expect(consumer.exitCode).toBeNull();
      // Produced once the partitions have new leaders, so that only the consumer faces the failover.
      await waitFor('new leaders', async () => (await leaders(topic)).every((l) => l !== victim && l > 0));
      await produceValues(b, topic, second);
      await waitFor('every record printed', async () => printed().length >= first.length + second.length);
      await restartNode(cluster, victim, [topic]);
    } finally {
      consumer.kill('SIGINT');
    }
    expect((await exited).code, stderr).toBe(130);
    expect(printed().sort()).toEqual([...first, ...second].sort());
    expect(await committed(group, topic)).toEqual(await ends(topic));
  }, 420_000);

  /**
   * A node that leads a partition of `topic` and a partition of __consumer_offsets, and a group id
   * coordinated there, so that killing it moves both. After earlier cases restarted nodes, a node
   * may lead no __consumer_offsets partition at all: pick one that does, never search forever.
   */
  async function leaderAndCoordinator(topic: string): Promise<{ victim: number; group: string }> {
    // Asking for the offsets of a group creates __consumer_offsets if no group was used yet.
    await withTestAdmin((a) => a.fetchOffsets({ groupId: uniqueName('warm-up') }).catch(() => []), b);
    await waitForFullIsr(b, ['__consumer_offsets']);
    const offsetsLeaders = await leaders('__consumer_offsets');
    const victim = (await leaders(topic)).find((l) => offsetsLeaders.includes(l));
    if (victim === undefined) throw new Error(`no node leads both a partition of ${topic} and of __consumer_offsets`);
    for (let i = 0; i < 100_000; i++) {
      const group = uniqueName('bounce-group');
      if (offsetsLeaders[coordinatorPartition(group, offsetsLeaders.length)] === victim) return { victim, group };
    }
    throw new Error(`no group id found whose coordinator is node ${victim}`);
  }

  async function leaders(topic: string): Promise<number[]> {
    return withTestAdmin(async (a) => {
      const { topics } = await a.fetchTopicMetadata({ topics: [topic] });
      return [...topics[0]!.partitions].sort((x, y) => x.partitionId - y.partitionId).map((p) => p.leader);
    }, b);
  }

  const committed = (group: string, topic: string) => withTestAdmin(async (a) => {
    const [entry] = await a.fetchOffsets({ groupId: group, topics: [topic] });
    return Object.fromEntries(entry!.partitions.map((p) => [p.partition, p.offset]));
  }, b);

  const ends = (topic: string) => withTestAdmin(async (a) => Object.fromEntries((await a.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high])), b);
});
