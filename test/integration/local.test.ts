import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/local/broker.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-local-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('kstream local', () => {
  it('starts a second broker, reports it, refuses a second start, and stops it', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const start = await runCli(['local', 'start', '--port', String(port), '--data-dir', dataDir]);
    try {
      expect(start.code, start.stderr).toBe(0);
      expect(start.stdout).toBe(`127.0.0.1:${port}\n`);

      const status = await runCli(['local', 'status', '--data-dir', dataDir, '-o', 'json']);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ running: true, port, bootstrap: `127.0.0.1:${port}` });

      const again = await runCli(['local', 'start', '--port', String(port), '--data-dir', dataDir]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already running at 127\.0\.0\.1:\d+/);

      const topics = await runCli(['-b', `127.0.0.1:${port}`, 'topics', 'create', 'on-second']);
      expect(topics.code, topics.stderr).toBe(0);
    } finally {
      const stop = await runCli(['local', 'stop', '--data-dir', dataDir]);
      expect(stop.code).toBe(0);
      expect(stop.stderr).toMatch(/stopped the broker/);
    }
    const after = await runCli(['local', 'status', '--data-dir', dataDir]);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^error: not running/);
  }, 240_000); // a JVM start and a clean shutdown, on a busy two-core machine

  it('refuses a port that is taken, leaving nothing running', async () => {
    const taken = inject('brokers').split(',')[0]!.split(':')[1]!;
    const dataDir = tempDir();
    const r = await runCli(['local', 'start', '--port', taken, '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`port ${taken} on 127.0.0.1 is already in use`));
    expect((await runCli(['local', 'status', '--data-dir', dataDir])).code).toBe(1);
  });

  it('says when no broker runs in a data dir', async () => {
    const dataDir = tempDir();
    const stop = await runCli(['local', 'stop', '--data-dir', dataDir]);
    expect(stop.code).toBe(0);
    expect(stop.stderr).toContain('no local broker was running');
  });

  it('fails clearly when Java is missing', async () => {
    const r = await runCli(['local', 'start', '--port', String(await freePort()), '--data-dir', tempDir()], {
      env: { JAVA_HOME: '/nonexistent-jdk' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Java was not found/);
  });

  it('fails clearly for a bad --kafka-home', async () => {
    const r = await runCli(['local', 'start', '--port', String(await freePort()), '--data-dir', tempDir(), '--kafka-home', tempDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not an Apache Kafka distribution/);
  });
});

describe('startBroker', () => {
  it('reports a broker that dies at start with the tail of its log, and leaves nothing running', async () => {
    const { startBroker, brokerStatus } = await import('../../src/local/broker.js');
    const dataDir = tempDir();
    const port = await freePort();
    const controllerPort = await freePort();
    // 192.0.2.1 (TEST-NET-1) is never a local address, so binding the listener fails inside the broker.
    const attempt = startBroker({
      dataDir, port, controllerPort, waitMs: 120_000, env: process.env, onProgress: () => undefined,
      extraProperties: { listeners: `PLAINTEXT://192.0.2.1:${port},CONTROLLER://127.0.0.1:${controllerPort}` },
    });
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringMatching(/^the broker exited while starting: .*failed to bind to 192\.0\.2\.1/),
      details: expect.stringMatching(/ERROR .*Exiting Kafka/),
    });
    expect(brokerStatus(dataDir)).toBeUndefined();
  }, 180_000);
});
