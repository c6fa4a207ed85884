import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, brokers, runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopics, withTestAdmin } from '../helpers/kafka.js';

const complete = (words: string[], env: Record<string, string> = {}) => runCli(['--get-yargs-completions', 'kstream', ...words], { env, killAfterMs: 30_000 });

describe('kstream completion', () => {
  it.each([
    ['bash', /complete -o bashdefault -o default -F _kstream_completions kstream/],
    ['zsh', /^#compdef kstream\n[\s\S]*compdef _kstream_completions kstream/],
  ])('prints a %s script that asks kstream for completions', async (shell, pattern) => {
    const r = await runCli(['completion', shell]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(pattern);
    expect(r.stdout).toContain('kstream --get-yargs-completions');
    expect(r.stderr).toBe('');
  });

  it('picks the shell from $SHELL', async () => {
    expect((await runCli(['completion'], { env: { SHELL: '/usr/bin/zsh' } })).stdout).toMatch(/^#compdef kstream/);
    expect((await runCli(['completion'], { env: { SHELL: '/bin/bash' } })).stdout).toMatch(/^###-begin-kstream-completions-###/);
  });

  it('rejects an unknown shell', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Invalid values:[\s\S]*"fish"/);
  });

  it('works when bash sources the script', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    const bin = mkdtempSync(join(tmpdir(), 'kstream-bin-'));
    try {
      symlinkSync(BIN, join(bin, 'kstream'));
      const line = `${script}\nCOMP_WORDS=(kstream topics de); COMP_CWORD=2; _kstream_completions; echo "\${COMPREPLY[@]}"`;
      const r = spawnSync('bash', ['-c', line], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, KSTREAM_BROKERS: brokers() } });
      expect(r.stdout.trim().split(' ').sort()).toEqual(['delete', 'delete-records', 'describe']);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('completes commands, subcommands and flags', async () => {
    expect((await complete(['to'])).stdout.split('\n')).toEqual(expect.arrayContaining(['topics', 'profile', 'local', 'completion']));
    const sub = (await complete(['topics', 'de'])).stdout.split('\n');
    expect(sub).toEqual(expect.arrayContaining(['describe', 'delete']));
    expect((await complete(['topics', 'describe', '--'])).stdout.split('\n')).toEqual(expect.arrayContaining(['--all-configs', '--output', '--bootstrap-server']));
    const zsh = await complete(['pro'], { SHELL: '/bin/zsh' });
    expect(zsh.stdout).toMatch(/^profile:Named connection settings/m);
  });

  it('completes group names for groups commands', async () => {
    const topic = uniqueName('grouped');
    const group = uniqueName('completegroup');
    await createTestTopics([topic]);
    await withTestAdmin(async (a) => {
      // Committed offsets are enough for the broker to list the group.
      await a.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }] });
    });
    const r = await complete(['groups', 'describe', group.slice(0, 16)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toContain(group);
    expect(r.stdout.split('\n')).not.toContain(topic);
  });

  it('completes topic names from the broker, and nothing extra when it is unreachable', async () => {
    const topic = uniqueName('completeme');
    await createTestTopics([topic]);
    const r = await complete(['topics', 'describe', topic.slice(0, 14)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toContain(topic);
    const del = await complete(['topics', 'delete', '']);
    expect(del.stdout.split('\n')).toContain(topic);
    const unreachable = await runCli(['--get-yargs-completions', 'kstream', 'topics', 'describe', 'x'], { noBrokers: true, env: { KSTREAM_BROKERS: '127.0.0.1:1' }, killAfterMs: 30_000 });
    expect(unreachable.code).toBe(0);
    expect(unreachable.stderr).toBe('');
    // Completing must never run the command: describing topic 'x' would print an error.
    expect(unreachable.stdout).not.toMatch(/error|x\n/);
  });
});
