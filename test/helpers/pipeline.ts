import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';
import { createTestTopics, testKafka, withTestAdmin } from './kafka.js';

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
      await producer.send({ topic, messages: values.slice(i, i + 5000).map((v) => ({ key: v, value: v })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * An idempotent kafkajs producer, connected. Right after a node was killed, the metadata may still
 * name it the controller: kafkajs's InitProducerId then gives up on the refused connection at once
 * (it retries only protocol errors). Connecting sends no record, so it is tried again, for a while.
 */
async function connectedProducer(brokers: string) {
  const kafka = await testKafka(brokers);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      await producer.connect();
      return producer;
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      if ((err as Error).name !== 'KafkaJSConnectionError' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
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
