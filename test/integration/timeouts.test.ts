// --timeout bounds every wait and every retry: an address that is not Kafka fails within it,
// and a broker that comes back within it loses nothing.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, uniqueName } from '../helpers/cli.js';
import { lines, startCli } from '../helpers/produce.js';
import { createTopicsOn, highWatermark, readCommitted } from '../helpers/pipeline.js';
import { spawnSync } from 'node:child_process';
import { startOwnBroker, type OwnBroker } from '../helpers/own-broker.js';

const listen = (server: Server | HttpServer): Promise<string> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as { port: number }).port}`)));

const errorLine = (stderr: string) => stderr.trim().split('\n').at(-1) ?? '';

describe('an address that accepts connections but is not Kafka', () => {
  const sockets = new Set<Socket>();
  // An HTTP server answers kafkajs's first request with "HTTP/1.1 400 Bad Request" and closes.
  const http = createHttpServer((_req, res) => res.end('hello'));
  // A server that accepts and never says a word.
  const silent = createServer((s) => sockets.add(s));
  let httpAddress: string;
  let silentAddress: string;

  beforeAll(async () => {
    httpAddress = await listen(http);
    silentAddress = await listen(silent);
  });

  afterAll(() => {
    for (const s of sockets) s.destroy();
    http.close();
    silent.close();
  });

  const commands: Array<[string, string[]]> = [
    ['topics list', ['topics', 'list']],
    ['produce', ['produce', 'some-topic']],
    ['consume', ['consume', 'some-topic', '-e']],
    ['pipeline run', ['pipeline', 'run', '--from', 'a', '--to', 'b', '--map', 'r.value', '--exit']],
  ];

  it.each(commands)('%s fails with exit 3, saying the HTTP server did not answer as a Kafka broker', async (_name, args) => {
    // killAfterMs is a safety net far above --timeout: before the fix these runs took about 31 s.
    const r = await runCli([...args, '-b', httpAddress, '--timeout', '2s'], { input: 'x\n', killAfterMs: 25_000 });
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(3);
    expect(errorLine(r.stderr)).toBe(
      `error: ${httpAddress} did not answer as a Kafka broker: it answered "HTTP/1.1 400 Bad Request" (point --bootstrap-server at the HOST:PORT of a Kafka listener)`,
    );
  });

  it.each(commands)('%s fails with exit 3, saying the silent server did not answer as a Kafka broker within --timeout', async (_name, args) => {
    const r = await runCli([...args, '-b', silentAddress, '--timeout', '2s'], { input: 'x\n', killAfterMs: 25_000 });
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(3);
    expect(errorLine(r.stderr)).toMatch(new RegExp(`^error: ${silentAddress} (accepted the connection but did not answer as a Kafka broker within 2s|did not answer as a Kafka broker: it accepted the connection but sent no answer within 2s) \\(`));
  });
});

describe('--timeout values', () => {
  it.each([
    ['0', /^error: --timeout must be more than 0 \(got '0'\)/],
    ['0s', /^error: --timeout must be more than 0 \(got '0s'\)/],
    ['600h', /^error: --timeout 600h is too long: at most 2147483647 ms \(about 24 days\)/],
  ])('--timeout %s is refused in one line, exit 1', async (value, message) => {
    const r = await runCli(['topics', 'list', '--timeout', value]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('produce --timeout 60s through a broker stop and start', () => {
  let broker: OwnBroker;
  let bootstrap: string;

  beforeAll(async () => {
    broker = await startOwnBroker('kstream-timeout-restart-');
    bootstrap = broker.bootstrap;
  }, 200_000);

  afterAll(async () => {
    await broker?.remove();
  });

  it('retries until the broker is back and sends every record exactly once', async () => {
    const topic = uniqueName('timeout-restart');
    await createTopicsOn(bootstrap, [topic], 3);
    const live = startCli(['produce', topic, '--timeout', '60s'], bootstrap);
    live.child.stdin.write(lines(1000, 1));
    const deadline = Date.now() + 60_000;
    while (readCommitted(bootstrap, topic).length < 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(readCommitted(bootstrap, topic)).toHaveLength(1000);

    await broker.stop();
    // Input that arrives while the broker is away waits for it.
    live.child.stdin.write(lines(1000, 1001));
    await new Promise((r) => setTimeout(r, 8000));
    await broker.start();
    live.child.stdin.end(lines(1000, 2001));

    expect(await live.exited, live.stderr()).toBe(0);
    expect(live.stderr()).toMatch(/^3000 records, /m);
    const values = readCommitted(bootstrap, topic);
    expect(values).toHaveLength(3000);
    expect(new Set(values)).toEqual(new Set(lines(3000).trim().split('\n')));
  }, 240_000);

  // Megabytes of input keep two rounds of batches in flight (sender.ts) when the broker goes.
  it('with rounds in flight: each line once, in input order per partition, and --output json names where each landed', async () => {
    const topic = uniqueName('timeout-inflight');
    await createTopicsOn(bootstrap, [topic], 3);
    const total = 300_000;
    const make = (i: number) => `line-${String(i).padStart(7, '0')}-`.padEnd(80, 'x');
    const live = startCli(['produce', topic, '--timeout', '60s', '--output', 'json', '--quiet'], bootstrap);
    live.child.stdin.write(lines(total / 2, 1, make));
    const deadline = Date.now() + 60_000;
    while ((await highWatermark(bootstrap, topic)) < 20_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await broker.stop();
    live.child.stdin.write(lines(total / 2, total / 2 + 1, make));
    await new Promise((r) => setTimeout(r, 3000));
    await broker.start();
    live.child.stdin.end();
    expect(await live.exited, live.stderr()).toBe(0);

    const read = spawnSync('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o %s\n'], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
    expect(read.status, read.stderr).toBe(0);
    const at = new Map<string, string>();
    const last = new Map<string, string>();
    const wrong: string[] = [];
    for (const row of read.stdout.split('\n').filter((l) => l !== '')) {
      const [p, o, value] = row.split(' ') as [string, string, string];
      if (at.has(value)) wrong.push(`${value} written twice`);
      // Values are zero-padded: in input order they also sort as strings.
      if (value <= (last.get(p) ?? '')) wrong.push(`${value} after ${last.get(p)} in partition ${p}`);
      at.set(value, `${p} ${o}`);
      last.set(p, value);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(at.size).toBe(total);
    const acks = live.stdout().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { partition: number; offset: number });
    expect(acks).toHaveLength(total);
    const misplaced = acks.map((a, i) => [make(i + 1), `${a.partition} ${a.offset}`]).filter(([v, where]) => at.get(v!) !== where);
    expect(misplaced.slice(0, 5)).toEqual([]);
  }, 240_000);
});
