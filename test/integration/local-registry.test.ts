import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/local/broker.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-local-registry-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('kstream local start --schema-registry', () => {
  it('runs a Schema Registry beside the broker, reports it in status, and stops both', async () => {
    const dataDir = tempDir();
    const [port, registryPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${registryPort}/apis/ccompat/v7`;
    const start = await runCli(['local', 'start', '--port', String(port), '--data-dir', dataDir, '--schema-registry', '--schema-registry-port', String(registryPort)]);
    try {
      expect(start.code, start.stderr).toBe(0);
      expect(start.stdout).toBe(`127.0.0.1:${port}\n${url}\n`);
      expect(start.stderr).toMatch(/Schema Registry is running \(Apicurio Registry 3\.3\.3 on .*Java (2[1-9]|[3-9]\d)\)/);

      // A real registry: it answers the Confluent API.
      const subjects = await fetch(`${url}/subjects`);
      expect(subjects.status).toBe(200);
      expect(await subjects.json()).toEqual([]);

      const plain = await runCli(['local', 'status', '--data-dir', dataDir]);
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(new RegExp(`^schema registry: ${url.replace(/[./]/g, '\\$&')} \\(pid \\d+\\)$`, 'm'));
      const json = await runCli(['local', 'status', '--data-dir', dataDir, '-o', 'json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ running: true, bootstrap: `127.0.0.1:${port}`, schemaRegistry: { running: true, url } });

      const again = await runCli(['local', 'start', '--port', String(port), '--data-dir', dataDir, '--schema-registry', '--schema-registry-port', String(registryPort)]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/a Schema Registry is already running at /);
    } finally {
      const stop = await runCli(['local', 'stop', '--data-dir', dataDir]);
      expect(stop.code).toBe(0);
      expect(stop.stderr).toContain(`stopped the Schema Registry at ${url}`);
      expect(stop.stderr).toMatch(/stopped the broker/);
    }
    await expect(fetch(`${url}/subjects`)).rejects.toThrow();
    const after = await runCli(['local', 'status', '--data-dir', dataDir]);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain(`schema registry: not running (was ${url})`);
  }, 300_000); // two JVM starts and shutdowns on a busy two-core machine

  it('keeps schemas across a restart, so the ids in records still resolve', async () => {
    const dataDir = tempDir();
    const args = ['local', 'start', '--port', String(await freePort()), '--data-dir', dataDir, '--schema-registry', '--schema-registry-port', String(await freePort())];
    const schema = join(dataDir, 'kept.avsc');
    writeFileSync(schema, '{"type":"record","name":"Kept","fields":[{"name":"id","type":"long"}]}');
    try {
      const first = await runCli(args);
      expect(first.code, first.stderr).toBe(0);
      const url = first.stdout.split('\n')[1]!;
      const registered = await runCli(['registry', 'register', 'kept-value', '-f', schema, '-o', 'plain', '--schema-registry', url]);
      expect(registered.code, registered.stderr).toBe(0);
      expect((await runCli(['local', 'stop', '--data-dir', dataDir])).code).toBe(0);

      const second = await runCli(args);
      expect(second.code, second.stderr).toBe(0);
      const byId = await runCli(['registry', 'get', '--id', registered.stdout.trim(), '-o', 'plain', '--schema-registry', url]);
      expect(byId.code, byId.stderr).toBe(0);
      expect(JSON.parse(byId.stdout)).toEqual({ type: 'record', name: 'Kept', fields: [{ name: 'id', type: 'long' }] });
    } finally {
      expect((await runCli(['local', 'stop', '--data-dir', dataDir])).code).toBe(0);
    }
  }, 400_000); // four JVM starts on a busy two-core machine

  it('refuses a registry port that is taken before starting anything', async () => {
    const taken = inject('brokers').split(',')[0]!.split(':')[1]!;
    const dataDir = tempDir();
    const r = await runCli(['local', 'start', '--port', String(await freePort()), '--data-dir', dataDir, '--schema-registry', '--schema-registry-port', taken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: port ${taken} on 127.0.0.1 \\(Schema Registry\\) is already in use \\(choose another with --schema-registry-port\\)`, 'm'));
    expect(r.stderr).not.toContain('Kafka is running');
    expect((await runCli(['local', 'status', '--data-dir', dataDir])).code).toBe(1);
  });

  it('wants --schema-registry for --schema-registry-port', async () => {
    const r = await runCli(['local', 'start', '--data-dir', tempDir(), '--schema-registry-port', '18081']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: --schema-registry-port needs --schema-registry/);
  });
});
