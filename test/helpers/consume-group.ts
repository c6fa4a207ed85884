// Running `kstream consume --group` as real child processes (signals, kill -9) on numbered records.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { BIN, brokers } from './cli.js';
import { createTestTopics, testProducer, withTestAdmin } from './kafka.js';

/** Record n (from 1) is "000042 xxx…" (about 100 bytes) and goes to partition (n - 1) % partitions. */
export function numbered(n: number): { value: string } {
  return { value: `${String(n).padStart(6, '0')} ${'x'.repeat(92)}` };
}

/** Creates `topic` with `partitions` partitions. */
export async function numberedTopic(topic: string, partitions: number, on = brokers()): Promise<void> {
  await createTestTopics([topic], partitions, { brokers: on });
}

/** Produces records `from` to `to` (inclusive), then checks the topic holds exactly `to` records. */
export async function produceNumbered(topic: string, partitions: number, from: number, to: number, on = brokers()): Promise<void> {
  const producer = await testProducer(on);
  try {
    for (let start = from; start <= to; start += 1000) {
      const messages = [];
      for (let n = start; n <= Math.min(to, start + 999); n++) messages.push({ partition: (n - 1) % partitions, ...numbered(n) });
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
  const offsets = await withTestAdmin((a) => a.fetchTopicOffsets(topic), on);
  const stored = offsets.reduce((sum, o) => sum + Number(o.high), 0);
  if (stored !== to) throw new Error(`seeding ${topic}: it holds ${stored} records, not ${to}`);
}

/** The record numbers in some output. */
export function numbers(text: string): number[] {
  return text.split('\n').filter(Boolean).map((l) => Number(l.slice(0, 6)));
}

/** 1..n */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export async function committed(group: string, topic: string, on = brokers()): Promise<number[]> {
  const [entry] = await withTestAdmin((a) => a.fetchOffsets({ groupId: group, topics: [topic] }), on);
  return entry!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

/** One `kstream consume` child whose stdout goes to a pipe, or to a file (a file makes commits follow the output at once). */
export class ConsumeChild {
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly file?: string;
  private piped = '';
  stderr = '';

  constructor(args: string[], opts: { file?: string; brokers?: string } = {}) {
    const fd = opts.file === undefined ? undefined : openSync(opts.file, 'w');
    this.child = spawn(process.execPath, [BIN, 'consume', ...args], {
      env: { ...process.env, KSTREAM_BROKERS: opts.brokers ?? brokers(), NO_COLOR: '1' },
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
    });
    if (fd !== undefined) closeSync(fd);
    this.child.stdout?.on('data', (d) => (this.piped += d));
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.file = opts.file;
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  stdout(): string {
    return this.file === undefined ? this.piped : readFileSync(this.file, 'utf8');
  }

  printed(): number[] {
    return numbers(this.stdout());
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Polls `check` until it is true; fails with `what` after `ms` (a safety net, not a timing assertion). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Samples a group's committed offsets until stopped; `backwards()` lists every move back seen. */
export class CommitWatch {
  private readonly last = new Map<number, number>();
  private readonly moves: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(group: string, topic: string, on = brokers()) {
    this.loop = withTestAdmin(async (admin) => {
      while (this.running) {
        const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] }).catch(() => []);
        for (const p of entry?.partitions ?? []) this.see(p.partition, Number(p.offset));
        await new Promise((r) => setTimeout(r, 100));
      }
    }, on);
  }

  private see(partition: number, offset: number): void {
    const before = this.last.get(partition);
    if (before !== undefined && offset < before) this.moves.push(`partition ${partition}: ${before} -> ${offset}`);
    this.last.set(partition, offset);
  }

  async backwards(): Promise<string[]> {
    this.running = false;
    await this.loop;
    return this.moves;
  }
}
