// Reading topics back and driving a live produce process, for the produce tests.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN, brokers, uniqueName } from './cli.js';
import { createTestTopics, testKafka } from './kafka.js';

export interface ReadRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string | string[]>;
  timestamp: string;
}


/** How many records the topic holds (sum of high watermarks). */
export async function countRecords(topic: string, bootstrap?: string): Promise<number> {
  const admin = (await testKafka(bootstrap)).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Polls until the topic holds `n` records; fails after `ms`. A freshly started broker may answer
 * "not the leader" for a moment: such answers are polled through, not failed on. */
export async function waitForRecords(topic: string, n: number, bootstrap?: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  let have = 0;
  while (Date.now() < deadline) {
    have = await countRecords(topic, bootstrap).catch(() => have);
    if (have >= n) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`topic ${topic} has ${have} records, expected ${n}`);
}

/** Every record of the topic, read with kafkajs, sorted by partition then offset. */
export async function readTopic(topic: string): Promise<ReadRecord[]> {
  const expected = await countRecords(topic);
  const out: ReadRecord[] = [];
  if (expected === 0) return out;
  const consumer = (await testKafka()).consumer({ groupId: uniqueName('produce-read') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${expected} records of ${topic}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const headers: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) {
            headers[k] = Array.isArray(v) ? v.map(String) : String(v);
          }
          out.push({
            partition, offset: Number(message.offset), key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null, headers, timestamp: message.timestamp,
          });
          if (out.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

export interface LiveCli {
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  stdout(): string;
  exited: Promise<number | null>;
}

/** Starts the CLI with stdin left open, for tests that write input over time and send signals. */
export function startCli(args: string[], bootstrap = brokers()): LiveCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', KSTREAM_BROKERS: bootstrap } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  child.stdin.on('error', () => undefined);
  const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => {
    clearTimeout(kill);
    resolve(code);
  }));
  return { child, stderr: () => err, stdout: () => out, exited };
}

export function lines(n: number, from = 1, make = (i: number) => `record-${i}`): string {
  return Array.from({ length: n }, (_, i) => make(from + i) + '\n').join('');
}

/** Runs kcat against the test broker; returns its stdout, throwing on a non-zero exit. */
export function kcat(args: string[], input?: string): string {
  const r = spawnSync('kcat', ['-b', brokers(), ...args], { input, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`kcat ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Creates a topic named after `prefix` and waits until each partition has a leader. */
export async function createTopic(prefix: string, partitions: number, configs: Record<string, string> = {}, bootstrap?: string): Promise<string> {
  const topic = uniqueName(prefix);
  await createTestTopics([topic], partitions, { configs, brokers: bootstrap });
  return topic;
}
