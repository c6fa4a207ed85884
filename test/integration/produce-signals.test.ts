import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/broker.js';
import { runCli } from '../helpers/cli.js';
import { countRecords, createTopic, lines, startCli, waitForRecords } from '../helpers/produce.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('kstream produce when stopped', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('on %s flushes what it read, prints the summary and exits %d', async (signal, code) => {
    const topic = await createTopic('produce-signal', 2);
    const cli = startCli(['produce', topic]);
    cli.child.stdin.write(lines(25));
    // Records read from an idle input go out without waiting for a full batch.
    await waitForRecords(topic, 25);
    cli.child.stdin.write(lines(5, 26));
    // Give it time to read the last five before the signal; stdin stays open, as at a terminal.
    await new Promise((r) => setTimeout(r, 500));
    cli.child.kill(signal);
    expect(await cli.exited).toBe(code);
    expect(cli.stderr()).toMatch(/^30 records, \d+ bytes in [\d.]+ s/m);
    expect(cli.stderr()).toMatch(new RegExp(`^error: interrupted by ${signal}$`, 'm'));
    expect(await countRecords(topic)).toBe(30);
  });

  it('fails with the acknowledged count when the broker goes away mid-way', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kstream-produce-broker-'));
    dirs.push(dataDir);
    const port = await freePort();
    const bootstrap = `127.0.0.1:${port}`;
    const start = await runCli(['local', 'start', '--port', String(port), '--data-dir', dataDir]);
    expect(start.code, start.stderr).toBe(0);
    try {
      const topic = await createTopic('doomed', 2, {}, bootstrap);
      const cli = startCli(['produce', topic, '--timeout', '3s'], bootstrap);
      cli.child.stdin.write(lines(50));
      await waitForRecords(topic, 50, bootstrap);
      const stop = await runCli(['local', 'stop', '--data-dir', dataDir]);
      expect(stop.code, stop.stderr).toBe(0);
      cli.child.stdin.end(lines(10, 51));
      expect(await cli.exited).toBe(3);
      expect(cli.stderr()).toMatch(/^50 records, \d+ bytes in/m);
      expect(cli.stderr()).toMatch(
        new RegExp(`^error: 50 of 60 records acknowledged; first failed: line 51: cannot connect to the Kafka broker at ${bootstrap}`, 'm'),
      );
    } finally {
      await runCli(['local', 'stop', '--data-dir', dataDir, '--clean']);
    }
  }, 180_000);
});
