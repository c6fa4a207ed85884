import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { loadKafkajs, type Admin } from '../../src/kafkajs.js';
import { BIN } from './cli.js';

/** A kafkajs admin on `brokers` for the length of `fn`. */
export async function withAdminOn<T>(brokers: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const { Kafka, logLevel } = await loadKafkajs();
  const admin = new Kafka({ brokers: brokers.split(','), clientId: 'kstream-test', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates topics and waits until every partition has a leader (a busy broker publishes new topics late). */
export async function createTopicsOn(brokers: string, topics: string[], partitions: number): Promise<void> {
  await withAdminOn(brokers, async (a) => {
    await a.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: false });
    await waitFor(`leaders for ${topics.join(', ')}`, async () => {
      try {
        const { topics: found } = await a.fetchTopicMetadata({ topics });
        return found.length === topics.length && found.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0));
      } catch {
        return false;
      }
    }, 60_000);
  });
}

/**
 * Produces `values` (keyed by themselves, so they spread over partitions). Idempotent: a retry on a
 * busy broker must not write an input twice, or the exactly-once checks would blame the pipeline.
 */
export async function produceValues(brokers: string, topic: string, values: string[]): Promise<void> {
  const { Kafka, logLevel } = await loadKafkajs();
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'kstream-test', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < values.length; i += 5000) {
      await producer.send({ topic, messages: values.slice(i, i + 5000).map((v) => ({ key: v, value: v })) });
    }
  } finally {
    await producer.disconnect();
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
  return withAdminOn(brokers, async (a) => (await a.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0));
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

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const numbered = (n: number, prefix = 'rec') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(6, '0')}`);
