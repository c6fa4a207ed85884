import { describe, expect, it } from 'vitest';
import { serverProperties } from '../../src/local/server-config.js';
import { parseSaslUser, planSecurity, saslProperties, scramFormatArgs, tlsProperties } from '../../src/local/security.js';
import type { TlsFiles } from '../../src/local/tls.js';

const files: TlsFiles = { dir: '/d/tls', ca: '/d/tls/ca.pem', keystore: '/d/tls/broker.p12', password: 'pw', clientCert: '/d/tls/client.pem', clientKey: '/d/tls/client.key' };

describe('local security listeners', () => {
  it('adds listeners after PLAINTEXT, which stays as it was', () => {
    const text = serverProperties({ port: 9092, controllerPort: 9093, logDirs: '/l', extraListeners: [{ name: 'SASL_PLAINTEXT', port: 9094 }, { name: 'SSL', port: 9095 }] });
    expect(text).toContain('\nlisteners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,SASL_PLAINTEXT://127.0.0.1:9094,SSL://127.0.0.1:9095\n');
    expect(text).toContain('\nadvertised.listeners=PLAINTEXT://127.0.0.1:9092,SASL_PLAINTEXT://127.0.0.1:9094,SSL://127.0.0.1:9095\n');
    expect(text).toContain('\ninter.broker.listener.name=PLAINTEXT\n');
  });

  it('offers PLAIN and both SCRAMs, with PLAIN users in the JAAS config', () => {
    const props = saslProperties([{ name: 'alice', password: 'a1' }, { name: 'bob', password: 'b2' }]);
    expect(props['listener.name.sasl_plaintext.sasl.enabled.mechanisms']).toBe('PLAIN,SCRAM-SHA-256,SCRAM-SHA-512');
    expect(props['listener.name.sasl_plaintext.plain.sasl.jaas.config']).toBe('org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="a1" user_bob="b2";');
    expect(props['listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config']).toMatch(/ScramLoginModule required;$/);
  });

  it('creates SCRAM users with the storage tool', () =>
    expect(scramFormatArgs([{ name: 'alice', password: 'a1' }])).toEqual([
      '--add-scram', 'SCRAM-SHA-256=[name=alice,password=a1]', '--add-scram', 'SCRAM-SHA-512=[name=alice,password=a1]',
    ]));

  it('points the SSL listener at the keystore and checks client certificates when presented', () => {
    expect(tlsProperties(files)).toMatchObject({
      'listener.name.ssl.ssl.keystore.location': '/d/tls/broker.p12',
      'listener.name.ssl.ssl.keystore.type': 'PKCS12',
      'listener.name.ssl.ssl.truststore.location': '/d/tls/ca.pem',
      'listener.name.ssl.ssl.client.auth': 'requested',
    });
  });

  it.each([['alice:alice-secret', { name: 'alice', password: 'alice-secret' }]])('parses --sasl-user %s', (text, user) => expect(parseSaslUser(text)).toEqual(user));
  it.each(['alice', 'alice:', ':pw', 'al ice:pw', 'alice:p"w', 'alice:a,b'])('rejects --sasl-user %j without echoing the password', (text) => {
    expect(() => parseSaslUser(text)).toThrow(/--sasl-user expects NAME:PASSWORD/);
    if (text.includes(':') && text.split(':')[1]) expect(() => parseSaslUser(text)).not.toThrow(text.split(':')[1]);
  });

  it('plans only what was asked, on free ports unless given', async () => {
    let next = 50000;
    const plan = await planSecurity({ dataDir: '/d', sasl: true, users: [{ name: 'u', password: 'p' }], tls: true, tlsPort: 9999 }, async () => next++, () => files);
    expect(plan.extraListeners).toEqual([{ name: 'SASL_PLAINTEXT', port: 50000 }, { name: 'SSL', port: 9999 }, { name: 'SASL_SSL', port: 50001 }]);
    expect(plan.extraProperties).toMatchObject({
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': expect.stringMatching(/ScramLoginModule/),
      'listener.name.sasl_ssl.ssl.keystore.location': files.keystore,
    });
    expect(plan.security).toEqual({ saslMechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], saslUsers: ['u'], tlsCa: files.ca, tlsClientCert: files.clientCert, tlsClientKey: files.clientKey });
    const tlsOnly = await planSecurity({ dataDir: '/d', sasl: false, users: [], tls: true }, async () => next++, () => files);
    expect(tlsOnly.extraListeners.map((l) => l.name)).toEqual(['SSL']);
    const none = await planSecurity({ dataDir: '/d', sasl: false, users: [], tls: false }, async () => next++, () => files);
    expect(none).toEqual({ extraListeners: [], extraProperties: {}, formatArgs: [], security: {} });
  });

  it('--authorizer: StandardAuthorizer, nothing allowed without an ACL, kstream and the PLAINTEXT principal super users', async () => {
    const plan = await planSecurity({ dataDir: '/d', sasl: true, authorizer: true, users: [{ name: 'kstream', password: 'k' }, { name: 'u', password: 'p' }], tls: false }, async () => 50100, () => files);
    expect(plan.extraProperties).toMatchObject({
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:ANONYMOUS;User:kstream',
      'allow.everyone.if.no.acl.found': 'false',
    });
    expect(plan.security).toMatchObject({ superUsers: ['kstream'] });
    await expect(planSecurity({ dataDir: '/d', sasl: false, authorizer: true, users: [], tls: false }, async () => 1, () => files)).rejects.toThrow('--authorizer needs --sasl');
  });
});
