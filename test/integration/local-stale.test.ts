// `local start` after a kill -9 of the broker: the state file names a dead (or zombie) pid, and
// the start must clean it up and start, not say "already running".
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, stateFile } from '../../src/local/broker.js';
import { runCli } from '../helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kstream-local-stale-'));
afterAll(async () => {
  await runCli(['local', 'stop', '--data-dir', dataDir, '--clean'], { noBrokers: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const recordedPid = () => (JSON.parse(readFileSync(stateFile(dataDir), 'utf8')) as { pid: number }).pid;

/** Gone or a zombie: /proc/PID/stat says Z, or there is no such process. */
function isDead(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
  } catch {
    return true;
  }
}

describe('local start after kill -9 of the broker', () => {
  it('starts a new broker instead of saying it is already running', async () => {
    const port = await freePort();
    const args = ['local', 'start', '--port', String(port), '--data-dir', dataDir];
    const first = await runCli(args, { noBrokers: true, killAfterMs: 200_000 });
    expect(first.code, first.stderr).toBe(0);
    const killed = recordedPid();
    process.kill(killed, 'SIGKILL');
    for (let i = 0; i < 100 && !isDead(killed); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isDead(killed)).toBe(true);

    const status = await runCli(['local', 'status', '--data-dir', dataDir], { noBrokers: true });
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/^error: not running/);

    const second = await runCli(args, { noBrokers: true, killAfterMs: 200_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(`127.0.0.1:${port}\n`);
    expect(recordedPid()).not.toBe(killed);
    const topics = await runCli(['-b', `127.0.0.1:${port}`, 'topics', 'list']);
    expect(topics.code, topics.stderr).toBe(0);
  }, 400_000);
});
