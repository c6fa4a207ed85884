// What a new user sees first: `kstream` and each command group alone print help, in a sensible
// order, wrapped at word boundaries.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const GROUPS = ['local', 'topics', 'groups', 'pipeline', 'registry', 'profile'];

describe('the first minute', () => {
  it('kstream alone prints the help on stdout and exits 0', async () => {
    const r = await runCli([]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^kstream <command> \[options\]/);
  });

  it.each(GROUPS)('kstream %s alone prints its subcommands and exits 0', async (group) => {
    const r = await runCli([group]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`kstream ${group}\n`);
    expect(r.stdout).toMatch(new RegExp(`kstream ${group} \\w+`));
    expect(r.stdout).toContain('Examples:');
  });

  it('lists commands in the order a user meets them', async () => {
    const r = await runCli(['--help']);
    const order = [...r.stdout.matchAll(/^ {2}kstream (\w+)/gm)].map((m) => m[1]);
    expect(order).toEqual(['local', 'topics', 'produce', 'consume', 'groups', 'pipeline', 'registry', 'profile', 'completion']);
  });

  it.each([[['--help']], [['consume', '--help']], [['groups', 'reset-offsets', '--help']]])('wraps %j at word boundaries when piped', async (args) => {
    const r = await runCli(args);
    // A description cut mid-word leaves a fragment such as "g" + "roups" on two lines.
    expect(r.stdout).not.toMatch(/consumer g\s+roups|mul\s+ti-stage|\(a\s+t least/);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    const words = r.stdout.split(/\s+/);
    expect(words).not.toContain('roups');
  });

  it('an unknown command is still an error', async () => {
    const r = await runCli(['topix']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown command 'topix'/);
  });
});
