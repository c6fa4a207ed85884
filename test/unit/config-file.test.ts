import { rmSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configPath, parseConfig, readConfig } from '../../src/config/file.js';

const temps: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-cfg-'));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

const FILE = '/home/u/.config/kstream/config.yaml';

describe('configPath', () => {
  it.each([
    [{ KSTREAM_CONFIG: '/x/k.yaml', XDG_CONFIG_HOME: '/xdg', HOME: '/h' }, '/x/k.yaml'],
    [{ XDG_CONFIG_HOME: '/xdg', HOME: '/h' }, '/xdg/kstream/config.yaml'],
    [{ HOME: '/h' }, '/h/.config/kstream/config.yaml'],
  ])('%j -> %s', (env, path) => expect(configPath(env)).toBe(path));
});

describe('parseConfig', () => {
  it('reads profiles with every setting', () => {
    const cfg = parseConfig([
      'current: prod',
      'profiles:',
      '  local:',
      '    brokers: [127.0.0.1:9092]',
      '  prod:',
      '    brokers: k1:9093,k2:9093',
      '    clientId: billing',
      '    sasl: {mechanism: SCRAM-SHA-512, username: app, passwordEnv: PROD_PW}',
      '    tls: {ca: /etc/ca.pem, serverName: kafka.internal}',
      '    output: json',
      '',
    ].join('\n'), FILE);
    expect(cfg.current).toBe('prod');
    expect(cfg.profiles.local).toEqual({ brokers: ['127.0.0.1:9092'] });
    expect(cfg.profiles.prod).toEqual({
      brokers: ['k1:9093', 'k2:9093'],
      clientId: 'billing',
      sasl: { mechanism: 'scram-sha-512', username: 'app', passwordEnv: 'PROD_PW' },
      tls: { ca: '/etc/ca.pem', serverName: 'kafka.internal' },
      output: 'json',
    });
  });

  it('takes an empty file as no profiles', () => expect(parseConfig('', FILE).profiles).toEqual({}));

  it('keeps a numeric password as text', () => {
    const cfg = parseConfig('profiles:\n  p:\n    sasl: {mechanism: plain, username: u, password: 0123}\n', FILE);
    expect(cfg.profiles.p!.sasl!.password).toBe('0123');
  });

  it.each([
    ['profiles:\n  a: [1,\n  b: c: d\n', /line 3, column \d+: .*[Ff]low sequence/],
    ['current: x\ncurrent: y\n', /line 2, column 1: Map keys must be unique/],
    ['profiles:\n  p:\n    brokers: [a:1]\n    colour: red\n', /line 4, column 5: profile 'p': unknown key 'colour'/],
    ['profiles:\n  p:\n    sasl:\n      mechanism: gssapi\n      username: u\n', /line 4, column 7: profile 'p': 'sasl.mechanism' must be one of plain, scram-sha-256, scram-sha-512/],
    ['profiles:\n  p:\n    sasl: {mechanism: plain, username: u, password: x, passwordEnv: Y}\n', /line 3.*give only one of sasl.password, sasl.passwordEnv, sasl.passwordFile/],
    ['profiles:\n  p:\n    tls: {cert: c.pem}\n', /'tls.cert' and 'tls.key' go together/],
    ['profiles:\n  p:\n    output: yaml\n', /line 3, column 5: profile 'p': 'output' must be table, plain or json/],
    ['profiles: [a, b]\n', /line 1, column 1: `profiles` must be a mapping/],
    ['brokers: [a:1]\n', /line 1, column 1: unknown key 'brokers'/],
    ['- just\n- a list\n', /the file must be a mapping/],
  ])('names the file, line and problem: %j', (text, message) => {
    expect(() => parseConfig(text, FILE)).toThrow(new RegExp(`^malformed config file ${FILE.replace(/\./g, '\\.')}`));
    expect(() => parseConfig(text, FILE)).toThrow(message);
  });
});

describe('readConfig', () => {
  it('treats a missing file as empty and records the mode of an existing one', () => {
    const dir = temp();
    expect(readConfig(join(dir, 'none.yaml'))).toMatchObject({ exists: false, profiles: {} });
    const path = join(dir, 'config.yaml');
    writeFileSync(path, 'profiles: {}\n');
    chmodSync(path, 0o640);
    expect(readConfig(path)).toMatchObject({ exists: true, mode: 0o640 });
  });
});
