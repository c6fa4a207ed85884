import { rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConnection } from '../../src/config/connection.js';
import { parseConfig } from '../../src/config/file.js';
import { selectProfile } from '../../src/config/profile.js';
import type { Profile } from '../../src/config/schema.js';

const temps: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-tls-'));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

const profile: Profile = {
  brokers: ['p:1'],
  clientId: 'from-profile',
  sasl: { mechanism: 'scram-sha-256', username: 'pu', password: 'profile-pw' },
  tls: { serverName: 'kafka.internal' },
};

describe('resolveConnection precedence: flag > env > profile > default', () => {
  it.each([
    ['flag', { bootstrapServer: 'f:1' }, { KSTREAM_BROKERS: 'e:1' }, profile, ['f:1']],
    ['env', {}, { KSTREAM_BROKERS: 'e:1' }, profile, ['e:1']],
    ['profile', {}, {}, profile, ['p:1']],
    ['default', {}, {}, undefined, ['localhost:9092']],
  ])('brokers from %s', (_from, args, env, p, brokers) => expect(resolveConnection(args, env, p).brokers).toEqual(brokers));

  it.each([
    ['flag', { saslPassword: 'flag-pw' }, { KSTREAM_SASL_PASSWORD: 'env-pw' }, 'flag-pw'],
    ['env', {}, { KSTREAM_SASL_PASSWORD: 'env-pw' }, 'env-pw'],
    ['profile', {}, {}, 'profile-pw'],
  ])('SASL password from %s', (_from, args, env, password) =>
    expect(resolveConnection(args, env, profile).sasl).toEqual({ mechanism: 'scram-sha-256', username: 'pu', password }));

  it('lets flags override single profile settings', () => {
    const conn = resolveConnection({ clientId: 'cli', saslMechanism: 'plain', tlsServerName: 'other' }, {}, profile);
    expect(conn.clientId).toBe('cli');
    expect(conn.sasl).toMatchObject({ mechanism: 'plain', username: 'pu' });
    expect(conn.ssl).toEqual({ rejectUnauthorized: true, servername: 'other' });
  });

  it('does not hand the profile password to another user given by flag', () => {
    expect(() => resolveConnection({ saslUsername: 'someone-else' }, {}, profile)).toThrow(/SASL scram-sha-256 for user 'someone-else' needs a password/);
  });

  it('has no SASL or TLS by default, and TLS on with any TLS flag', () => {
    expect(resolveConnection({}, {}, undefined)).toMatchObject({ clientId: 'kstream', sasl: undefined, ssl: undefined });
    expect(resolveConnection({ tls: true }, {}).ssl).toEqual({ rejectUnauthorized: true });
    expect(resolveConnection({ insecureSkipVerify: true }, {}).ssl).toEqual({ rejectUnauthorized: false });
    expect(resolveConnection({ tls: false }, {}, profile).ssl).toBeUndefined();
  });

  it('reads the TLS files and names a missing one', () => {
    const dir = temp();
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    expect(resolveConnection({ tlsCa: join(dir, 'ca.pem') }, {}).ssl).toMatchObject({ ca: ['CA PEM'] });
    expect(() => resolveConnection({ tlsCa: join(dir, 'nope.pem') }, {})).toThrow(`cannot read the CA certificate (--tls-ca) ${join(dir, 'nope.pem')}: ENOENT`);
    expect(() => resolveConnection({ tlsCert: join(dir, 'ca.pem') }, {})).toThrow(/--tls-cert and --tls-key go together/);
  });

  it.each([
    [{ saslUsername: 'u' }, /need --sasl-mechanism/],
    [{ saslMechanism: 'gssapi', saslUsername: 'u', saslPassword: 'p' }, /unknown SASL mechanism 'gssapi'/],
    [{ saslMechanism: 'plain', saslPassword: 'p' }, /needs a user name/],
    [{ saslMechanism: 'plain', saslUsername: 'u' }, /needs a password/],
  ])('rejects incomplete SASL flags %j', (args, message) => expect(() => resolveConnection(args, {})).toThrow(message));

  it('says where a password may come from', () =>
    expect(() => resolveConnection({ saslMechanism: 'plain', saslUsername: 'u' }, {})).toThrow(expect.objectContaining({ hint: expect.stringMatching(/KSTREAM_SASL_PASSWORD/) })));
});

describe('selectProfile: --profile > KSTREAM_PROFILE > current', () => {
  const cfg = parseConfig('current: a\nprofiles:\n  a: {brokers: [a:1]}\n  b: {brokers: [b:1]}\n  c: {brokers: [c:1]}\n', '/cfg.yaml');
  it.each([
    ['c', { KSTREAM_PROFILE: 'b' }, 'c', '--profile'],
    [undefined, { KSTREAM_PROFILE: 'b' }, 'b', 'KSTREAM_PROFILE'],
    [undefined, {}, 'a', 'current'],
  ])('flag %s, env %j -> %s', (flag, env, name, source) => expect(selectProfile(cfg, flag, env)).toMatchObject({ name, source }));

  it('is none without a current profile', () => expect(selectProfile(parseConfig('profiles: {}', '/cfg.yaml'), undefined, {})).toBeUndefined());

  it('names an unknown profile, the file and the known ones', () => {
    expect(() => selectProfile(cfg, 'prod', {})).toThrow("unknown profile 'prod' in /cfg.yaml");
    expect(() => selectProfile(cfg, 'prod', {})).toThrow(expect.objectContaining({ exitCode: 1, hint: 'known profiles: a, b, c' }));
    const dangling = parseConfig('current: gone\nprofiles: {}\n', '/cfg.yaml');
    expect(() => selectProfile(dangling, undefined, {})).toThrow(/unknown profile 'gone' \(named by `current:` in \/cfg\.yaml\)/);
  });
});
