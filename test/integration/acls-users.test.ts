// `kstream acls` and `kstream users` against a private broker started by `kstream local start
// --sasl --authorizer`: KRaft's StandardAuthorizer, where kstream (and the PLAINTEXT listener) are
// super users and alice may do only what ACLs allow.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/broker.js';
import { runCli, uniqueName, type CliResult } from '../helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kstream-acls-'));
let plaintext = '';
let port = 0;
let sasl = '';
const topic = uniqueName('guarded');
const group = uniqueName('readers');

beforeAll(async () => {
  port = await freePort();
  const start = await runCli(['local', 'start', '--port', String(port), '--data-dir', dataDir, '--sasl', '--authorizer', '--sasl-user', 'alice:alice-secret'], { noBrokers: true });
  expect(start.code, start.stderr).toBe(0);
  plaintext = start.stdout.trim();
  const status = JSON.parse((await runCli(['local', 'status', '--data-dir', dataDir, '-o', 'json'], { noBrokers: true })).stdout);
  sasl = status.listeners.SASL_PLAINTEXT;
  expect(start.stderr).toContain(`SASL_PLAINTEXT at ${sasl} (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; users: kstream, alice; StandardAuthorizer, super user: kstream)`);
  expect((await admin(['topics', 'create', topic])).code).toBe(0);
  expect((await admin(['produce', topic], 'guarded-record\n')).code).toBe(0);
});

afterAll(async () => {
  await runCli(['local', 'stop', '--data-dir', dataDir, '--clean'], { noBrokers: true });
});

/** On the PLAINTEXT listener: a super user. */
const admin = (args: string[], input?: string) => runCli(['-b', plaintext, ...args], { noBrokers: true, input });
/** As a SASL user on the SASL listener. */
const as = (user: string, password: string, args: string[]) =>
  runCli(['-b', sasl, '--sasl-mechanism', 'scram-sha-512', '--sasl-username', user, ...args], { noBrokers: true, env: { KSTREAM_SASL_PASSWORD: password } });
const alice = (args: string[]) => as('alice', 'alice-secret', args);

function expectOneError(r: CliResult, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

describe('ACLs under StandardAuthorizer', () => {
  it('refuses alice without an ACL, in one line', async () => {
    expectOneError(await alice(['consume', topic, '--from-beginning', '--exit']), 2, new RegExp(`^error: not authorized to use topic '${topic}' \\(TOPIC_AUTHORIZATION_FAILED\\)`));
    expectOneError(await alice(['produce', topic]), 2, /^error: not authorized to use topic/);
  });

  it('lets alice read after `acls create` (kafka-acls.sh flags), in a group too', async () => {
    const created = await admin(['acls', '--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--topic', topic, '--group', group, '-o', 'json']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toBe('created 2 ACLs\n');
    const listed = JSON.parse((await admin(['acls', 'list', '--principal', 'User:alice', '-o', 'json'])).stdout);
    expect(listed).toEqual([
      { principal: 'User:alice', host: '*', operation: 'READ', permission: 'ALLOW', resourceType: 'GROUP', resourceName: group, patternType: 'LITERAL' },
      { principal: 'User:alice', host: '*', operation: 'READ', permission: 'ALLOW', resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL' },
    ]);
    const read = await alice(['consume', topic, '--from-beginning', '--exit']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toBe('guarded-record\n');
    const inGroup = await alice(['consume', topic, '--from-beginning', '--exit', '--group', group]);
    expect(inGroup.code, inGroup.stderr).toBe(0);
    expect(inGroup.stdout).toBe('guarded-record\n');
    // READ is not WRITE.
    expectOneError(await alice(['produce', topic, '--partition', '0']), 2, /not authorized/);
  });

  it('a prefixed ACL covers every topic starting with it; match lists what applies to one topic', async () => {
    const created = await admin(['acls', 'create', '--principal', 'User:alice', '--operation', 'describe', '--topic', 'guarded-', '--pattern-type', 'prefixed']);
    expect(created.code, created.stderr).toBe(0);
    const applies = JSON.parse((await admin(['acls', 'list', '--topic', topic, '--pattern-type', 'match', '-o', 'json'])).stdout);
    expect(applies.map((a: { operation: string; patternType: string }) => `${a.operation}:${a.patternType}`).sort()).toEqual(['DESCRIBE:PREFIXED', 'READ:LITERAL']);
  });

  it('refuses alice managing ACLs or users, in one line', async () => {
    expectOneError(await alice(['acls', 'list']), 2, /^error: not authorized to manage ACLs \(CLUSTER_AUTHORIZATION_FAILED\)/);
    expectOneError(await alice(['acls', 'create', '--principal', 'User:alice', '--operation', 'all', '--cluster']), 2, /^error: not authorized/);
    expectOneError(await alice(['users', 'list']), 2, /^error: not authorized to manage SCRAM users \(CLUSTER_AUTHORIZATION_FAILED\)/);
  });

  it('`acls delete` takes the ACLs away again', async () => {
    const deleted = await admin(['acls', '--remove', '--allow-principal', 'User:alice', '--topic', topic, '--force', '-o', 'json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr).toBe('deleted 1 ACL\n');
    expect(JSON.parse(deleted.stdout)).toEqual([expect.objectContaining({ resourceName: topic, operation: 'READ' })]);
    // The prefixed DESCRIBE is left, so alice sees the topic but may not fetch from it.
    expectOneError(await alice(['consume', topic, '--from-beginning', '--exit']), 2, new RegExp(`^error: not authorized: .*topic '${topic}' partition 0.*TOPIC_AUTHORIZATION_FAILED`));
    expectOneError(await admin(['acls', 'delete', '--principal', 'User:alice']), 1, /^error: name the resources whose ACLs to delete/);
  });
});

describe('SCRAM users', () => {
  it('create, log in, list, delete', async () => {
    const created = await runCli(['-b', plaintext, 'users', 'create', 'carol', '--iterations', '8192'], { noBrokers: true, env: { KSTREAM_USER_PASSWORD: 'carol-pw' } });
    expect(created.code, created.stderr).toBe(0);
    for (const mechanism of ['scram-sha-256', 'scram-sha-512']) {
      const r = await runCli(['-b', sasl, '--sasl-mechanism', mechanism, '--sasl-username', 'carol', 'topics', 'list'], { noBrokers: true, env: { KSTREAM_SASL_PASSWORD: 'carol-pw' } });
      expect(r.code, `${mechanism}: ${r.stderr}`).toBe(0);
    }
    const listed = JSON.parse((await admin(['users', 'list', 'carol', '-o', 'json'])).stdout);
    expect(listed).toEqual([{ user: 'carol', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }, { mechanism: 'SCRAM-SHA-512', iterations: 8192 }] }]);
    const all = await admin(['users', 'list']);
    expect(all.stdout.split('\n')).toEqual(expect.arrayContaining(['alice\tSCRAM-SHA-256,SCRAM-SHA-512', 'carol\tSCRAM-SHA-256,SCRAM-SHA-512', 'kstream\tSCRAM-SHA-256,SCRAM-SHA-512']));

    const deleted = await admin(['users', 'delete', 'carol']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expectOneError(await as('carol', 'carol-pw', ['topics', 'list']), 3, /^error: authentication failed/);
    expectOneError(await admin(['users', 'list', 'carol']), 2, /^error: user 'carol' has no SCRAM credentials/);
    expectOneError(await admin(['users', 'delete', 'carol']), 2, /^error: user 'carol' has no SCRAM credentials; nothing to delete/);
  });

  it('`local start --sasl --sasl-user` adds a user to the running broker', async () => {
    const r = await runCli(['local', 'start', '--data-dir', dataDir, '--sasl', '--sasl-user', 'dave:dave-secret'], { noBrokers: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('already running: SCRAM credentials set for dave');
    const login = await as('dave', 'dave-secret', ['topics', 'list']);
    expect(login.code, login.stderr).toBe(0);
  });

  it('`local start --sasl --sasl-user` on a data dir formatted before adds the user through the broker', async () => {
    expect((await runCli(['local', 'stop', '--data-dir', dataDir], { noBrokers: true })).code).toBe(0);
    const r = await runCli(['local', 'start', '--port', String(port), '--data-dir', dataDir, '--sasl', '--authorizer', '--sasl-user', 'frank:frank-secret'], { noBrokers: true });
    expect(r.code, r.stderr).toBe(0);
    sasl = JSON.parse((await runCli(['local', 'status', '--data-dir', dataDir, '-o', 'json'], { noBrokers: true })).stdout).listeners.SASL_PLAINTEXT;
    const login = await as('frank', 'frank-secret', ['topics', 'list']);
    expect(login.code, login.stderr).toBe(0);
    // Still under the authorizer: frank has no ACL.
    expectOneError(await as('frank', 'frank-secret', ['consume', topic, '--from-beginning', '--exit']), 2, /not authorized/);
  });

  it('refuses a user without a password, in one line', async () => {
    expectOneError(await admin(['users', 'create', 'erin']), 1, /^error: no password for user 'erin' \(set KSTREAM_USER_PASSWORD, or pass --password\)/);
  });
});

describe('a cluster without an authorizer', () => {
  it('says it keeps no ACLs, in one line', async () => {
    // The shared test broker runs no authorizer.
    expectOneError(await runCli(['acls', 'list']), 2, /^error: this cluster has no authorizer, so it keeps no ACLs \(SECURITY_DISABLED\)/);
  });
});
