import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';
import { createTestTopics, testKafka, withTestAdmin } from './kafka.js';
import { wrapClient } from '../../src/kafka/client.js';
import type { Connection } from '../../src/kafka/connection.js';
import { MessageProducer } from '../../src/kafka/message-producer.js';

/** Creates topics on `brokers` and waits until every partition has a leader. */
export const createTopicsOn = (brokers: string, topics: string[], partitions: number): Promise<void> =>
  createTestTopics(topics, partitions, { brokers });

/**
 * Produces `values` (keyed by themselves, so they spread over partitions). Idempotent: a retry on a
 * busy broker must not write an input twice, or the exactly-once checks would blame the pipeline.
 */
export async function produceValues(brokers: string, topic: string, values: string[]): Promise<void> {
  const producer = await connectedProducer(brokers);
  try {
    for (let i = 0; i < values.length; i += 5000) {
      await producer.send(topic, values.slice(i, i + 5000).map((v) => ({ key: Buffer.from(v), value: Buffer.from(v) })));
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * kstream's idempotent MessageProducer, connected. Right after a node was killed, the metadata may
 * still name it the controller; MessageProducer.connect tries again for its client's timeout, here
 * a minute.
 */
async function connectedProducer(brokers: string): Promise<MessageProducer> {
  const conn: Connection = { brokers: brokers.split(','), clientId: 'kstream-test', timeoutMs: 60_000, verbose: false };
  const producer = new MessageProducer(wrapClient(conn, await testKafka(brokers), () => undefined));
  await producer.connect();
  return producer;
}

/** Every committed value of `topic`, read with kcat in read_committed isolation (independent of kafkajs). */
export function readCommitted(brokers: string, topic: string): string[] {
  const r = spawnSync('kcat', ['-C', '-b', brokers, '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%s\\n'], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`kcat failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** Sum of the high watermarks of `topic`: records written, committed or not. */
export async function highWatermark(brokers: string, topic: string): Promise<number> {
  return withTestAdmin(async (a) => (await a.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0), brokers);
}

const running = new Set<ChildProcess>();

/** Kills what spawnCli started and is still running (after a failed test). */
export function killSpawned(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Starts the CLI in the background (for kill -9 and signal tests). */
export function spawnCli(args: string[], brokers: string): { child: ChildProcess; output: () => { stdout: string; stderr: string }; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', KSTREAM_BROKERS: brokers }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => {
    running.delete(child);
    resolve({ code, signal });
  }));
  return { child, output: () => ({ stdout, stderr }), exited };
}

/**
 * Polls `check` until it is true. A check that throws counts as "not yet": polled during a
 * failover, a helper's client may pick the node that was just killed (the cluster's metadata
 * names it until its session times out) and fail to connect. The last such error is reported
 * if the wait times out.
 */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last check failed: ${(last as Error).message})` : ''}`);
}

export const numbered = (n: number, prefix = 'rec') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(6, '0')}`);
