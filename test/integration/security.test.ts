// A private broker with SASL_PLAINTEXT and SSL listeners, started through `kstream local start`;
// the shared test broker has neither.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/broker.js';
import { generateCa, signCertificate } from '../../src/local/tls.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kstream-security-'));
const scratch = mkdtempSync(join(tmpdir(), 'kstream-security-scratch-'));
// An empty config file, so that no profile applies (a missing one named by KSTREAM_CONFIG is an error).
writeFileSync(join(scratch, 'none.yaml'), '');
let sasl = '';
let tls = '';
let saslSsl = '';
let ca = '';
let clientCert = '';
let clientKey = '';

beforeAll(async () => {
  const start = await runCli([
    'local', 'start', '--port', String(await freePort()), '--data-dir', dataDir,
    '--sasl', '--sasl-user', 'alice:alice-secret', '--sasl-user', 'bob:bob-secret', '--tls',
  ], { noBrokers: true });
  expect(start.code, start.stderr).toBe(0);
  const status = JSON.parse((await runCli(['local', 'status', '--data-dir', dataDir, '-o', 'json'], { noBrokers: true })).stdout);
  ({ SASL_PLAINTEXT: sasl, SSL: tls, SASL_SSL: saslSsl } = status.listeners);
  ({ tlsCa: ca, tlsClientCert: clientCert, tlsClientKey: clientKey } = status.security);
  expect(start.stderr).toContain(`SASL_PLAINTEXT at ${sasl} (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; users: alice, bob)`);
  expect(start.stderr).toContain(`SSL at ${tls} (--tls-ca ${ca};`);
});

afterAll(async () => {
  await runCli(['local', 'stop', '--data-dir', dataDir, '--clean'], { noBrokers: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs kstream against one listener only: no KSTREAM_BROKERS, no profile. */
const run = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { noBrokers: true, env: { KSTREAM_CONFIG: join(scratch, 'none.yaml'), ...env }, killAfterMs: 60_000 });

function expectOneError(r: CliResult, code: number, message: RegExp): void {
  expect(r.signal).toBeNull();
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

describe('SASL', () => {
  it.each(['plain', 'scram-sha-256', 'scram-sha-512'])('%s with the right password lists topics', async (mechanism) => {
    const r = await run(['-b', sasl, '--sasl-mechanism', mechanism, '--sasl-username', 'alice', '--sasl-password', 'alice-secret', 'topics', 'list', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toBeInstanceOf(Array);
  });

  it('takes the password from KSTREAM_SASL_PASSWORD', async () => {
    const r = await run(['-b', sasl, '--sasl-mechanism', 'scram-sha-512', '--sasl-username', 'bob', 'topics', 'list'], { KSTREAM_SASL_PASSWORD: 'bob-secret' });
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    ['a wrong password', 'plain', 'alice', 'not-her-password'],
    ['a wrong password', 'scram-sha-256', 'alice', 'not-her-password'],
    ['a wrong password', 'scram-sha-512', 'alice', 'not-her-password'],
    ['an unknown user', 'scram-sha-256', 'mallory', 'whatever'],
    ['an unknown user', 'plain', 'mallory', 'whatever'],
  ])('%s (%s, %s) fails with "authentication failed", exit 3', async (_case, mechanism, user, password) => {
    const r = await run(['-b', sasl, '--sasl-mechanism', mechanism, '--sasl-username', user, '--sasl-password', password, 'topics', 'list']);
    expectOneError(r, 3, new RegExp(`^error: authentication failed at ${sasl}: .*check the SASL mechanism, user name and password`));
    expect(r.stderr).not.toContain(password);
  });

  it('never shows the password, even with --verbose', async () => {
    const password = 'Wr0ng-P4ssw0rd-Marker';
    const r = await run(['-b', sasl, '--sasl-mechanism', 'scram-sha-512', '--sasl-username', 'alice', '--sasl-password', password, '--verbose', 'topics', 'list']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\[kafkajs /);
    expect(r.stderr).toMatch(/authentication failed/);
    expect(r.stderr).not.toContain(password);
    const ok = await run(['-b', sasl, '--sasl-mechanism', 'plain', '--sasl-username', 'alice', '--verbose', 'topics', 'list'], { KSTREAM_SASL_PASSWORD: 'alice-secret' });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).not.toContain('alice-secret');
  });

  it('uses a profile whose password comes from a file', async () => {
    const config = join(scratch, 'sasl.yaml');
    writeFileSync(join(scratch, 'pw'), 'bob-secret\n');
    writeFileSync(config, `profiles:\n  secure:\n    brokers: [${sasl}]\n    sasl: {mechanism: scram-sha-256, username: bob, passwordFile: ${join(scratch, 'pw')}}\n`, { mode: 0o600 });
    const r = await run(['--profile', 'secure', 'topics', 'list'], { KSTREAM_CONFIG: config });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('SASL PLAIN in clear text', () => {
  it('warns that SASL PLAIN without TLS sends the password in clear text, except on loopback', async () => {
    const plain = ['--sasl-mechanism', 'plain', '--sasl-username', 'u', '--timeout', '1s', 'topics', 'list'];
    const remote = await run(['-b', '192.0.2.1:9092', ...plain], { KSTREAM_SASL_PASSWORD: 'p' });
    expect(remote.code).toBe(3);
    expect(remote.stderr).toMatch(/^warning: SASL PLAIN without TLS sends the password in clear text/);
    const local = await run(['-b', '127.0.0.1:1', ...plain], { KSTREAM_SASL_PASSWORD: 'p' });
    expect(local.code).toBe(3);
    expect(local.stderr).not.toMatch(/warning/);
  });
});

describe('SASL over TLS', () => {
  it('works with the right password and the CA', async () => {
    const r = await run(['-b', saslSsl, '--sasl-mechanism', 'scram-sha-512', '--sasl-username', 'alice', '--tls-ca', ca, 'topics', 'list'], { KSTREAM_SASL_PASSWORD: 'alice-secret' });
    expect(r.code, r.stderr).toBe(0);
  });

  it('says "authentication failed" for a wrong password', async () => {
    const r = await run(['-b', saslSsl, '--sasl-mechanism', 'plain', '--sasl-username', 'alice', '--tls-ca', ca, 'topics', 'list'], { KSTREAM_SASL_PASSWORD: 'nope' });
    expectOneError(r, 3, new RegExp(`^error: authentication failed at ${saslSsl}`));
  });
});

describe('TLS', () => {
  it('works with the CA that signed the broker certificate', async () => {
    const r = await run(['-b', tls, '--tls-ca', ca, 'topics', 'list', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toBeInstanceOf(Array);
  });

  it('works with mutual TLS', async () => {
    const r = await run(['-b', tls, '--tls-ca', ca, '--tls-cert', clientCert, '--tls-key', clientKey, 'topics', 'list']);
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    ['no CA (system roots)', () => ['--tls']],
    ['another CA', () => ['--tls-ca', generateCa(join(scratch, 'other'), 'other-ca', 'some other CA').cert]],
  ])('says "certificate not trusted" with %s, exit 3', async (_case, flags) => {
    const r = await run(['-b', tls, ...flags(), 'topics', 'list']);
    expectOneError(r, 3, new RegExp(`^error: certificate not trusted at ${tls}: .*--tls-ca`));
  });

  it('still says which when --timeout cuts the retries short', async () => {
    const r = await run(['-b', tls, '--tls', '--timeout', '1s', 'topics', 'list']);
    expectOneError(r, 3, new RegExp(`^error: certificate not trusted at ${tls}: self-signed certificate in certificate chain `));
  });

  it('refuses a client certificate from a CA the broker does not trust', async () => {
    const rogueCa = generateCa(join(scratch, 'rogue'), 'rogue-ca', 'rogue CA');
    const rogue = signCertificate(join(scratch, 'rogue'), rogueCa, 'client', 'clientAuth');
    const r = await run(['-b', tls, '--tls-ca', ca, '--tls-cert', rogue.cert, '--tls-key', rogue.key, 'topics', 'list']);
    expectOneError(r, 3, new RegExp(`^error: the broker did not accept the client certificate at ${tls}: TLS alert "certificate unknown"`));
  });

  it('skips verification only with a loud warning', async () => {
    const r = await run(['-b', tls, '--insecure-skip-verify', 'topics', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: TLS certificate checks are OFF/);
  });

  it('says "TLS handshake failed" when TLS meets a plaintext listener', async () => {
    const r = await run(['-b', sasl, '--tls-ca', ca, 'topics', 'list']);
    expectOneError(r, 3, new RegExp(`^error: TLS handshake failed at ${sasl}: .*is this a TLS listener`));
  });

  it('says the broker closed the connection when a plain client meets the TLS listener', async () => {
    const r = await run(['-b', tls, 'topics', 'list']);
    expectOneError(r, 3, new RegExp(`^error: the broker at ${tls} closed the connection .*--tls`));
  });
});

describe("--command-config (a Java client's properties file)", () => {
  const config = (name: string, lines: string[]) => {
    const path = join(scratch, name);
    writeFileSync(path, lines.join('\n') + '\n');
    return path;
  };

  it.each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])('SASL_PLAINTEXT with %s, as kafka-topics.sh takes it', async (mechanism) => {
    const module = mechanism === 'PLAIN' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule';
    const path = config(`sasl-${mechanism}.properties`, [
      'security.protocol=SASL_PLAINTEXT',
      `sasl.mechanism=${mechanism}`,
      `sasl.jaas.config=org.apache.kafka.common.security.${module} required username="alice" password="alice-secret";`,
    ]);
    const r = await run(['topics', '--bootstrap-server', sasl, '--list', '--command-config', path]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('SASL_SSL with a PEM trust store', async () => {
    const path = config('sasl-ssl.properties', [
      'security.protocol=SASL_SSL',
      'sasl.mechanism=SCRAM-SHA-512',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="bob-secret";',
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${ca}`,
    ]);
    const r = await run(['groups', '--bootstrap-server', saslSsl, '--list', '--command-config', path]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a wrong password fails as authentication, exit 3', async () => {
    const path = config('wrong.properties', [
      'security.protocol=SASL_PLAINTEXT',
      'sasl.mechanism=PLAIN',
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="nope";',
    ]);
    const r = await run(['topics', '--bootstrap-server', sasl, '--list', '--command-config', path]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/authentication failed/);
  });

  it('a JKS trust store is refused with how to convert it, exit 1', async () => {
    const path = config('jks.properties', ['security.protocol=SSL', 'ssl.truststore.location=/etc/kafka/client.truststore.jks', 'ssl.truststore.password=changeit']);
    const r = await run(['topics', '--bootstrap-server', tls, '--list', '--command-config', path]);
    expectOneError(r, 1, /JKS trust stores \(\/etc\/kafka\/client.truststore.jks\) are not supported \(convert it to PEM: `keytool -exportcert -rfc/);
  });
});
