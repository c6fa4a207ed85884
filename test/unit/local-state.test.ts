// A recorded pid is the broker only while it runs that data dir's server.properties: after a
// kill -9 or a reboot it may be a zombie or another process, and the state file is stale.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerStatus, isAlive, stateFile } from '../../src/local/broker.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function dataDirWithPid(pid: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-local-state-'));
  dirs.push(dir);
  writeFileSync(stateFile(dir), JSON.stringify({ pid, port: 1, controllerPort: 2, bootstrap: '127.0.0.1:1', dataDir: dir }));
  return dir;
}

describe('brokerStatus', () => {
  it('calls a live process that is not this data dir\'s broker not running', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(brokerStatus(dataDirWithPid(process.pid))).toBeUndefined();
  });

  it('calls a process running this data dir\'s server.properties running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstream-local-state-'));
    dirs.push(dir);
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', join(dir, 'server.properties')], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      writeFileSync(stateFile(dir), JSON.stringify({ pid: child.pid, port: 1, controllerPort: 2, bootstrap: '127.0.0.1:1', dataDir: dir }));
      expect(brokerStatus(dir)?.pid).toBe(child.pid);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('calls a pid that no longer exists not running', () => {
    expect(brokerStatus(dataDirWithPid(2 ** 22 + 12345))).toBeUndefined();
  });
});
