import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopics } from '../helpers/kafka.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh config file path (not created) and a runner that uses it, with no KSTREAM_BROKERS. */
function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-profile-'));
  dirs.push(dir);
  const config = join(dir, 'kstream', 'config.yaml');
  const run = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { noBrokers: true, env: { KSTREAM_CONFIG: config, KSTREAM_SASL_PASSWORD: undefined, ...env }, killAfterMs: 60_000 });
  return { dir, config, run };
}

describe('kstream profile', () => {
  it('adds, lists, shows, uses and deletes profiles, and commands use the current one', async () => {
    const { config, run } = sandbox();
    const add = await run(['profile', 'add', 'test', '-b', brokers(), '--client-id', 'lab']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toBe(`saved profile test in ${config} (current)\n`);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect((await run(['profile', 'add', 'other', '-b', '127.0.0.1:1', '--sasl-mechanism', 'scram-sha-256', '--sasl-username', 'app', '--sasl-password-env', 'APP_PW'])).code).toBe(0);

    const list = await run(['profile', 'list', '-o', 'json']);
    expect(JSON.parse(list.stdout)).toEqual([
      { name: 'other', current: false, brokers: ['127.0.0.1:1'], sasl: { mechanism: 'scram-sha-256', username: 'app' }, tls: false },
      { name: 'test', current: true, brokers: [brokers()], sasl: null, tls: false },
    ]);
    expect((await run(['profile', 'list'])).stdout).toBe('other\ntest\n');

    const show = await run(['profile', 'show', 'other', '-o', 'json']);
    expect(JSON.parse(show.stdout)).toEqual({
      name: 'other', current: false, brokers: ['127.0.0.1:1'], sasl: { mechanism: 'scram-sha-256', username: 'app', passwordEnv: 'APP_PW' },
    });

    const topic = uniqueName('via-profile');
    await createTestTopics([topic]);
    const listed = await run(['topics', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')).toContain(topic);

    expect((await run(['profile', 'use', 'other'])).stderr).toBe(`current profile: other (${config})\n`);
    expect(readFileSync(config, 'utf8')).toMatch(/^current: other\nprofiles:\n/);
    const viaEnv = await run(['topics', 'list'], { KSTREAM_PROFILE: 'test' });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    const viaFlag = await run(['--profile', 'test', 'topics', 'list']);
    expect(viaFlag.code, viaFlag.stderr).toBe(0);

    const del = await run(['profile', 'delete', 'other']);
    expect(del.code).toBe(0);
    expect(del.stderr).toContain('no profile is current now');
    expect(JSON.parse((await run(['profile', 'list', '-o', 'json'])).stdout).map((p: { name: string }) => p.name)).toEqual(['test']);
  });

  it('lets a flag and KSTREAM_BROKERS win over the profile', async () => {
    const { run } = sandbox();
    await run(['profile', 'add', 'dead', '-b', '127.0.0.1:1']);
    const flag = await run(['-b', brokers(), 'topics', 'list']);
    expect(flag.code, flag.stderr).toBe(0);
    const env = await run(['topics', 'list'], { KSTREAM_BROKERS: brokers() });
    expect(env.code, env.stderr).toBe(0);
    const profile = await run(['topics', 'list']);
    expect(profile.code).toBe(3);
    expect(profile.stderr).toMatch(/^error: cannot connect to the Kafka broker at 127\.0\.0\.1:1 /);
  });

  it('applies the profile default output format', async () => {
    const { run } = sandbox();
    await run(['profile', 'add', 'json', '-b', brokers(), '--default-output', 'json']);
    const r = await run(['topics', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toBeInstanceOf(Array);
    expect((await run(['topics', 'list', '-o', 'plain'])).stdout).not.toMatch(/^\[/);
  });

  it('masks a literal password, warns once when others can read it, and never prints it', async () => {
    const { config, run } = sandbox();
    const add = await run(['profile', 'add', 'sec', '-b', '127.0.0.1:1', '--sasl-mechanism', 'plain', '--sasl-username', 'u', '--sasl-password', 'Hunter2-Marker']);
    expect(add.stderr).toMatch(/warning: the password is stored as plain text/);
    const show = await run(['profile', 'show', 'sec']);
    expect(show.stdout).toContain('sasl.password\t********');
    expect(show.stdout).not.toContain('Hunter2-Marker');
    expect((await run(['topics', 'list', '--timeout', '2s'])).stderr).not.toMatch(/warning/);

    chmodSync(config, 0o644);
    const r = await run(['--verbose', 'topics', 'list', '--timeout', '2s']);
    expect(r.code).toBe(3);
    expect(r.stderr.match(/warning: .*holds a password \(profile sec\) and is readable by others \(mode 644\)/g)).toHaveLength(1);
    expect(r.stderr).not.toContain('Hunter2-Marker');
  });

  it('rejects a malformed config file naming file, line and problem, and never falls back to localhost', async () => {
    const { config, run } = sandbox();
    await run(['profile', 'add', 'ok', '-b', brokers()]);
    writeFileSync(config, `current: ok\nprofiles:\n  ok:\n    brokers: [${brokers()}\n    clientId: x\n`);
    const r = await run(['topics', 'list']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^error: malformed config file ${config.replace(/\./g, '\\.')}, line \\d+, column \\d+: `));
    expect(r.stderr).not.toMatch(/localhost|cannot connect/);
    expect((await run(['profile', 'list'])).code).toBe(1);
  });

  it('rejects an unknown profile, naming it and the file', async () => {
    const { config, run } = sandbox();
    const none = await run(['--profile', 'prod', 'topics', 'list']);
    expect(none.code).toBe(1);
    // KSTREAM_CONFIG names this file: that it is missing is the error, whatever the profile.
    expect(none.stderr).toBe(`error: KSTREAM_CONFIG names the config file ${config}, which does not exist (fix the path, unset KSTREAM_CONFIG, or create the file with \`kstream profile add NAME --bootstrap-server HOST:PORT\`)\n`);
    await run(['profile', 'add', 'dev', '-b', brokers()]);
    const unknown = await run(['topics', 'list'], { KSTREAM_PROFILE: 'prod' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`error: unknown profile 'prod' in ${config} (known profiles: dev)\n`);
    for (const args of [['profile', 'show', 'prod'], ['profile', 'use', 'prod'], ['profile', 'delete', 'prod']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^error: unknown profile 'prod'/);
    }
  });

  it('has help with examples for every profile command and completion', async () => {
    for (const sub of ['list', 'show', 'use', 'add', 'delete']) {
      const r = await runCli(['profile', sub, '--help']);
      expect(r.code, sub).toBe(0);
      expect(r.stdout, sub).toContain('Examples:');
    }
    expect((await runCli(['completion', '--help'])).stdout).toContain('Examples:');
    expect((await runCli(['topics', 'list', '--help'])).stdout).toMatch(/Connection \(every command; or set them in a profile\):[\s\S]*--profile[\s\S]*--sasl-mechanism[\s\S]*--insecure-skip-verify/);
  });

  it('refuses bad profile input', async () => {
    const { run } = sandbox();
    await run(['profile', 'add', 'dup', '-b', brokers()]);
    const cases: Array<[string[], RegExp]> = [
      [['profile', 'add', 'dup', '-b', brokers()], /profile 'dup' already exists .*--force/],
      [['profile', 'add', 'nobrokers'], /a profile needs brokers/],
      [['profile', 'add', 'bad name', '-b', brokers()], /'bad name' is not a valid profile name/],
      [['profile', 'add', 'x', '-b', 'nohostport'], /'nohostport' is not a broker address/],
      [['profile', 'add', 'x', '-b', brokers(), '--sasl-username', 'u'], /SASL needs --sasl-mechanism and --sasl-username/],
      [['profile', 'add', 'x', '-b', brokers(), '--tls-cert', 'c.pem'], /'tls.cert' and 'tls.key' go together/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: ${message.source}`));
    }
    expect((await run(['profile', 'add', 'dup', '-b', '127.0.0.1:2', '--force'])).code).toBe(0);
    expect(JSON.parse((await run(['profile', 'show', 'dup', '-o', 'json'])).stdout).brokers).toEqual(['127.0.0.1:2']);
  });
});
