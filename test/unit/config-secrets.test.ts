import { rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/file.js';
import { exposedPasswordWarning, maskProfile, redact, resolvePassword } from '../../src/config/secrets.js';

const temps: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-pw-'));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('resolvePassword', () => {
  const dir = temp();
  const file = join(dir, 'pw');
  writeFileSync(file, 's3cret\n');

  it.each([
    ['a literal', { password: 'lit' }, {}, 'lit'],
    ['an env var', { passwordEnv: 'MY_PW' }, { MY_PW: 'from-env' }, 'from-env'],
    ['a file, without its trailing newline', { passwordFile: file }, {}, 's3cret'],
    ['nowhere', {}, {}, undefined],
  ])('from %s', (_what, sasl, env, expected) => expect(resolvePassword(undefined, env, sasl)).toBe(expected));

  it('names where it looked, never a secret', () => {
    expect(() => resolvePassword(undefined, {}, { passwordEnv: 'MY_PW' })).toThrow('the environment variable MY_PW (sasl.passwordEnv) is not set');
    expect(() => resolvePassword(undefined, {}, { passwordFile: join(dir, 'missing') })).toThrow(/cannot read the password file .*missing \(sasl.passwordFile\): ENOENT/);
  });
});

describe('maskProfile', () => {
  it('masks a literal password and leaves references visible', () => {
    expect(maskProfile({ sasl: { mechanism: 'plain', username: 'u', password: 'hunter2' } }).sasl!.password).toBe('********');
    expect(maskProfile({ sasl: { mechanism: 'plain', username: 'u', passwordEnv: 'PW' } }).sasl).toEqual({ mechanism: 'plain', username: 'u', passwordEnv: 'PW' });
  });
});

describe('exposedPasswordWarning', () => {
  const withPassword = parseConfig('profiles:\n  p: {sasl: {mechanism: plain, username: u, password: x}}\n', '/c.yaml');
  const withoutPassword = parseConfig('profiles:\n  p: {sasl: {mechanism: plain, username: u, passwordEnv: X}}\n', '/c.yaml');
  it.each([
    [withPassword, 0o644, true],
    [withPassword, 0o640, true],
    [withPassword, 0o600, false],
    [withoutPassword, 0o644, false],
  ])('warns only for a password readable by others (case %#)', (cfg, mode, warns) => {
    const warning = exposedPasswordWarning({ ...cfg, mode });
    expect(Boolean(warning)).toBe(warns);
    if (warning) expect(warning).toMatch(/\/c\.yaml holds a password \(profile p\) and is readable by others.*chmod 600/);
  });
});

describe('redact', () => {
  it('replaces every occurrence', () => expect(redact('a pw b pw', ['pw', undefined])).toBe('a ******** b ********'));
});
