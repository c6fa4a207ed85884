import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProfile } from '../../src/config/schema.js';
import { maskProfile } from '../../src/config/secrets.js';
import { profileFromFlags } from '../../src/commands/profile/add.js';
import { resolveRegistry, splitUrl } from '../../src/registry/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'kstream-registry-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fail = (keys: string[], what: string): never => {
  throw new Error(`${what} @ ${keys.join('.')}`);
};

describe('resolveRegistry', () => {
  it('is undefined when nothing names a registry', () => {
    expect(resolveRegistry({}, {}, undefined, 10_000)).toBeUndefined();
  });

  it('takes the flag over the environment over the profile, without trailing slashes', () => {
    const profile = { url: 'http://profile:8081' };
    expect(resolveRegistry({ schemaRegistry: 'http://flag:8081/' }, { KSTREAM_SCHEMA_REGISTRY: 'http://env:8081' }, profile, 1)!.url).toBe('http://flag:8081');
    expect(resolveRegistry({}, { KSTREAM_SCHEMA_REGISTRY: 'http://env:8081/apis/ccompat/v7/' }, profile, 1)!.url).toBe('http://env:8081/apis/ccompat/v7');
    expect(resolveRegistry({}, {}, profile, 1)!.url).toBe('http://profile:8081');
  });

  it('moves user info out of the URL into basic auth', () => {
    expect(resolveRegistry({ schemaRegistry: 'https://app:s%40cret@sr.example:8081/x' }, {}, undefined, 1)).toEqual({
      url: 'https://sr.example:8081/x', auth: { kind: 'basic', username: 'app', password: 's@cret' }, timeoutMs: 1,
    });
  });

  it('reads basic auth from flags, the environment or the profile, and a bearer token', () => {
    expect(resolveRegistry({ schemaRegistry: 'http://h:1', schemaRegistryUser: 'u', schemaRegistryPassword: 'p' }, {}, undefined, 1)!.auth).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(resolveRegistry({ schemaRegistry: 'http://h:1', schemaRegistryUser: 'u' }, { KSTREAM_SCHEMA_REGISTRY_PASSWORD: 'e' }, undefined, 1)!.auth).toEqual({ kind: 'basic', username: 'u', password: 'e' });
    const file = join(dir, 'pw');
    writeFileSync(file, 'from-file\n');
    expect(resolveRegistry({}, {}, { url: 'http://h:1', username: 'u', passwordFile: file }, 1)!.auth).toEqual({ kind: 'basic', username: 'u', password: 'from-file' });
    expect(resolveRegistry({}, { TOK: 't0k' }, { url: 'http://h:1', tokenEnv: 'TOK' }, 1)!.auth).toEqual({ kind: 'bearer', token: 't0k' });
    expect(resolveRegistry({ schemaRegistry: 'http://h:1', schemaRegistryToken: 'abc' }, {}, undefined, 1)!.auth).toEqual({ kind: 'bearer', token: 'abc' });
  });

  it('does not send a profile\'s credentials to another registry named by a flag', () => {
    const profile = { url: 'http://mine:8081', username: 'u', password: 'p' };
    expect(resolveRegistry({ schemaRegistry: 'http://other:8081' }, {}, profile, 1)!.auth).toBeUndefined();
    expect(resolveRegistry({ schemaRegistry: 'http://mine:8081/' }, {}, profile, 1)!.auth).toEqual({ kind: 'basic', username: 'u', password: 'p' });
  });

  it('reads the CA file of an https registry', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    expect(resolveRegistry({ schemaRegistry: 'https://h:1', schemaRegistryCa: ca }, {}, undefined, 1)).toMatchObject({ ca: '-----BEGIN CERTIFICATE-----\n', caFile: ca });
  });

  it.each([
    [{ schemaRegistry: '' }, /--schema-registry needs a URL/],
    [{ schemaRegistry: 'localhost:8081' }, /is not an http:\/\/ or https:\/\/ URL/],
    [{ schemaRegistry: 'not a url' }, /'not a url' is not a Schema Registry URL/],
    [{ schemaRegistry: 'http://h:1', schemaRegistryUser: 'u' }, /user 'u' needs a password/],
    [{ schemaRegistry: 'http://h:1', schemaRegistryPassword: 'p' }, /--schema-registry-password needs --schema-registry-user/],
    [{ schemaRegistry: 'http://u:p@h:1', schemaRegistryToken: 't' }, /bearer token or basic auth .* not both/],
    [{ schemaRegistry: 'http://h:1', schemaRegistryCa: '/nonexistent.pem' }, /a CA file .* is for an https:\/\/ registry/],
    [{ schemaRegistry: 'https://h:1', schemaRegistryCa: '/nonexistent.pem' }, /cannot read the Schema Registry CA file \/nonexistent.pem: ENOENT/],
    [{ schemaRegistryUser: 'u' }, /--schema-registry-user without a registry URL/],
  ])('refuses %j', (args, message) => {
    expect(() => resolveRegistry(args, {}, undefined, 1)).toThrow(message);
  });

  it('never puts a password in an error about the URL', () => {
    expect(() => splitUrl('ftp://u:hunter2@h')).toThrow(/'ftp:\/\/u:\*{8}@h' is not/);
  });
});

describe('profile schemaRegistry', () => {
  it('takes a URL alone or a mapping', () => {
    expect(checkProfile({ schemaRegistry: 'http://h:8081' }, fail).schemaRegistry).toEqual({ url: 'http://h:8081' });
    expect(checkProfile({ schemaRegistry: { url: 'https://h', username: 'u', passwordEnv: 'SR_PW', ca: 'ca.pem' } }, fail).schemaRegistry).toEqual({ url: 'https://h', username: 'u', passwordEnv: 'SR_PW', ca: 'ca.pem' });
    expect(checkProfile({ schemaRegistry: { url: 'https://h', password: 1234, username: 'u' } }, fail).schemaRegistry!.password).toBe('1234');
  });

  it.each([
    [{ url: 'h:8081' }, /must be an http:\/\/ or https:\/\/ URL @ schemaRegistry.url/],
    [{ username: 'u' }, /'schemaRegistry.url' is missing/],
    [{ url: 'http://h', user: 'u' }, /unknown key 'schemaRegistry.user'/],
    [{ url: 'http://h', password: 'p' }, /'schemaRegistry.username' is missing/],
    [{ url: 'http://h', username: 'u', password: 'p', passwordEnv: 'X' }, /only one of schemaRegistry.password, passwordEnv, passwordFile/],
    [{ url: 'http://h', username: 'u', token: 't' }, /basic auth .* or a bearer token, not both/],
  ])('refuses %j', (value, message) => {
    expect(() => checkProfile({ schemaRegistry: value }, fail)).toThrow(message);
  });

  it('masks its password, token and URL password in `profile show`', () => {
    const masked = maskProfile({ schemaRegistry: { url: 'https://app:hunter2@h', username: 'u', password: 'pw', passwordEnv: undefined } });
    expect(masked.schemaRegistry).toMatchObject({ url: 'https://app:********@h', password: '********' });
    expect(maskProfile({ schemaRegistry: { url: 'http://h', token: 'secret-token' } }).schemaRegistry!.token).toBe('********');
    expect(maskProfile({ schemaRegistry: { url: 'http://h', username: 'u', passwordEnv: 'PW' } }).schemaRegistry).toEqual({ url: 'http://h', username: 'u', passwordEnv: 'PW' });
  });

  it('is saved by `profile add` from the flags', () => {
    const profile = profileFromFlags({ bootstrapServer: 'k:9092', schemaRegistry: 'https://sr:8081', schemaRegistryUser: 'app', schemaRegistryPasswordEnv: 'SR_PW', schemaRegistryCa: 'ca.pem' });
    expect(profile.schemaRegistry).toEqual({ url: 'https://sr:8081', username: 'app', passwordEnv: 'SR_PW', ca: 'ca.pem' });
    expect(() => profileFromFlags({ bootstrapServer: 'k:9092', schemaRegistryUser: 'app' })).toThrow(/need --schema-registry URL/);
  });
});
