import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('connection failures', () => {
  it('fails fast with one line naming the address when no broker listens', async () => {
    const r = await runCli(['-b', '127.0.0.1:1', 'topics', 'list'], { killAfterMs: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: cannot connect to the Kafka broker at 127\.0\.0\.1:1 .*kstream local start/);
  });

  it('shows details only with --verbose', async () => {
    const r = await runCli(['-b', '127.0.0.1:1', '--verbose', 'topics', 'list'], { killAfterMs: 30_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('takes the broker list from KSTREAM_BROKERS', async () => {
    const r = await runCli(['topics', 'list'], { noBrokers: true, env: { KSTREAM_BROKERS: '127.0.0.1:1' }, killAfterMs: 30_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('127.0.0.1:1');
  });

  it('rejects a malformed address', async () => {
    const r = await runCli(['-b', 'nohostport', 'topics', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'nohostport' is not a broker address/);
  });
});

describe('the command line', () => {
  it('suggests the closest command', async () => {
    const r = await runCli(['topix']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown command 'topix'.*did you mean `topics`/);
  });

  it('prints help with an example for every command', async () => {
    for (const args of [['--help'], ['topics', 'create', '--help'], ['topics', 'list', '--help'], ['topics', 'describe', '--help'], ['topics', 'alter', '--help'], ['topics', 'delete', '--help'], ['local', 'start', '--help'], ['local', 'stop', '--help'], ['local', 'status', '--help']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('kstream');
      if (args.length > 1) expect(r.stdout, args.join(' ')).toContain('Examples:');
    }
  });
});
