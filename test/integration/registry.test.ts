// `kstream registry` against the run's real Schema Registry (Apicurio, Confluent API).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/broker.js';
import { generateCa, signCertificate } from '../../src/local/tls.js';
import { brokers, runCli, uniqueName, type CliResult } from '../helpers/cli.js';
import { guardedRegistry, testRegistry } from '../helpers/registry.js';

let url: string;
const dir = mkdtempSync(join(tmpdir(), 'kstream-registry-test-'));
beforeAll(async () => {
  url = await testRegistry();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const registry = (args: string[], opts: { url?: string; env?: Record<string, string> } = {}): Promise<CliResult> =>
  runCli(['registry', ...args], { env: { KSTREAM_SCHEMA_REGISTRY: opts.url ?? url, ...opts.env } });

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const record = (fields: Array<Record<string, unknown>>) => JSON.stringify({ type: 'record', name: 'Order', namespace: 'kstream.test', fields });
const V1 = record([{ name: 'id', type: 'long' }]);
const V2 = record([{ name: 'id', type: 'long' }, { name: 'note', type: 'string', default: '' }]);
// Backward-incompatible: a reader of this schema cannot read V1 data (no default for sku).
const BREAKING = record([{ name: 'id', type: 'long' }, { name: 'sku', type: 'string' }]);

describe('kstream registry register, versions, get', () => {
  it('registers Avro versions and reads them back in every output format', async () => {
    const subject = uniqueName('orders-value');
    const v1 = file(`${subject}-v1.avsc`, V1);
    const reg = await registry(['register', subject, '--file', v1, '-o', 'json']);
    expect(reg.code, reg.stderr).toBe(0);
    const first = JSON.parse(reg.stdout);
    expect(first).toEqual({ subject, version: 1, id: expect.any(Number), schemaType: 'AVRO' });

    // The same schema again is no new version.
    const again = await registry(['register', subject, '-f', v1, '-o', 'plain']);
    expect(again.stdout).toBe(`${first.id}\n`);

    const table = await registry(['register', subject, '-f', file(`${subject}-v2.avsc`, V2), '-o', 'table']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`│ ${subject} │ 2 +│ \\d+ +│ AVRO │`));

    const versions = await registry(['versions', subject, '-o', 'plain']);
    expect(versions.stdout).toBe('1\n2\n');
    expect(JSON.parse((await registry(['versions', subject, '-o', 'json'])).stdout)).toEqual({ subject, versions: [1, 2] });

    const latest = JSON.parse((await registry(['get', subject, '-o', 'json'])).stdout);
    expect(latest).toMatchObject({ subject, version: 2, schemaType: 'AVRO', references: [] });
    expect(JSON.parse(latest.schema)).toEqual(JSON.parse(V2));

    // Plain: the schema text alone, so it can go back into a file.
    const plain = await registry(['get', subject, '1', '-o', 'plain']);
    expect(JSON.parse(plain.stdout)).toEqual(JSON.parse(V1));

    const byId = await registry(['get', '--id', String(first.id), '-o', 'table']);
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.stdout).toMatch(new RegExp(`│ id +│ ${first.id} +│`));
    expect(byId.stdout).toMatch(/│ schema +│ \{ +│/);

    const listed = await registry(['subjects', 'list', '-o', 'plain']);
    expect(listed.stdout.split('\n')).toContain(subject);
    expect(JSON.parse((await registry(['subjects', 'list', '--prefix', subject, '-o', 'json'])).stdout)).toEqual([subject]);
  });

  it('registers Protobuf and JSON Schema, by file extension or --type', async () => {
    const proto = uniqueName('proto-value');
    const protoFile = file(`${proto}.proto`, 'syntax = "proto3";\npackage kstream.test;\n\nmessage Order {\n  int64 id = 1;\n}\n');
    expect((await registry(['register', proto, '-f', protoFile])).code).toBe(0);
    expect(JSON.parse((await registry(['get', proto, '-o', 'json'])).stdout)).toMatchObject({ subject: proto, version: 1, schemaType: 'PROTOBUF' });

    const json = uniqueName('json-value');
    const schema = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] });
    expect((await registry(['register', json, '-f', file(`${json}.schema`, schema), '--type', 'json'])).code).toBe(0);
    expect(JSON.parse((await registry(['get', json, 'latest', '-o', 'json'])).stdout)).toMatchObject({ subject: json, schemaType: 'JSON' });
  });

  it('refuses a file whose type it cannot tell, and an Avro file that is not JSON, before asking the registry', async () => {
    const unknown = await registry(['register', 's', '-f', file('order.txt', V1)]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: cannot tell the schema type of .*order\.txt from its extension \(pass --type avro\|protobuf\|json/m);
    const broken = await registry(['register', 's', '-f', file('broken.avsc', '{"type": "record",')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error: .*broken\.avsc is not valid JSON, so not an Avro schema/m);
  });

  it('passes on what the registry says of an invalid schema', async () => {
    const r = await registry(['register', uniqueName('bad-value'), '-f', file('invalid.avsc', '{"type": "recordx"}')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the Schema Registry rejected the request for subject 'bad-value-[^']+': /m);
  });
});

describe('kstream registry check and config', () => {
  it('shows the global level: NONE in Apicurio (Confluent: BACKWARD)', async () => {
    const r = await registry(['config', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ subject: null, compatibility: 'NONE' });
  });

  it('under BACKWARD, tells a compatible schema from an incompatible one, and the registry refuses the latter', async () => {
    const subject = uniqueName('compat-value');
    expect((await registry(['register', subject, '-f', file(`${subject}-v1.avsc`, V1)])).code).toBe(0);

    const set = await registry(['config', subject, '--compatibility', 'backward', '-o', 'table']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toContain(`compatibility of subject '${subject}' set to BACKWARD`);
    expect(set.stdout).toMatch(new RegExp(`│ ${subject} │ BACKWARD +│`));
    expect((await registry(['config', subject, '-o', 'plain'])).stdout).toBe('BACKWARD\n');

    const ok = await registry(['check', subject, '-f', file(`${subject}-v2.avsc`, V2), '-o', 'plain']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('compatible\n');

    const breaking = file(`${subject}-breaking.avsc`, BREAKING);
    const bad = await registry(['check', subject, '-f', breaking, '-o', 'json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ subject, version: 'latest', level: 'BACKWARD', compatible: false });
    expect(bad.stderr).toMatch(new RegExp(`^error: .*breaking\\.avsc is not compatible with subject '${subject}' \\(level BACKWARD\\)`, 'm'));

    const refused = await registry(['register', subject, '-f', breaking]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^error: the schema is incompatible with subject '${subject}': Incompatible artifact`, 'm'));
    expect((await registry(['versions', subject, '-o', 'plain'])).stdout).toBe('1\n');
  });

  it('says any schema may start a subject that has none', async () => {
    const r = await registry(['check', uniqueName('fresh-value'), '-f', file('fresh.avsc', V1), '-o', 'plain']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^compatible\n/);
  });

  it('refuses an unknown level before asking the registry', async () => {
    const r = await registry(['config', 'x', '--compatibility', 'sideways']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: unknown compatibility level 'sideways' \(use one of BACKWARD, BACKWARD_TRANSITIVE/m);
  });
});

describe('kstream registry delete', () => {
  it('soft-deletes (listed with --deleted only), then deletes permanently', async () => {
    const subject = uniqueName('gone-value');
    expect((await registry(['register', subject, '-f', file(`${subject}.avsc`, V1)])).code).toBe(0);
    expect((await registry(['register', subject, '-f', file(`${subject}-2.avsc`, V2)])).code).toBe(0);

    const one = await registry(['delete', subject, '2', '-o', 'json']);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual({ subject, versions: [2], permanent: false });
    expect((await registry(['versions', subject, '-o', 'plain'])).stdout).toBe('1\n');

    const soft = await registry(['delete', subject, '-o', 'plain']);
    expect(soft.code, soft.stderr).toBe(0);
    // kstream prints the registry's answer; Apicurio's lists version 2, soft-deleted before, too.
    expect(soft.stdout).toBe('1\n2\n');
    expect(soft.stderr).toContain(`deleted 2 versions of subject '${subject}' (soft: pass --permanent to delete for good)`);
    expect((await registry(['subjects', 'list', '-o', 'plain'])).stdout.split('\n')).not.toContain(subject);
    expect((await registry(['subjects', 'list', '--deleted', '-o', 'plain'])).stdout.split('\n')).toContain(subject);

    const hard = await registry(['delete', subject, '--permanent', '-o', 'table']);
    expect(hard.code, hard.stderr).toBe(0);
    expect(hard.stdout).toMatch(new RegExp(`│ ${subject} │ 1 +│ permanently │`));
    expect(hard.stderr).toMatch(/deleted \d versions? of subject '.*' permanently/);
    expect((await registry(['subjects', 'list', '--deleted', '-o', 'plain'])).stdout.split('\n')).not.toContain(subject);
  });

  it('deletes permanently in one go, soft-deleting first as the API wants', async () => {
    const subject = uniqueName('hard-value');
    expect((await registry(['register', subject, '-f', file(`${subject}.avsc`, V1)])).code).toBe(0);
    const r = await registry(['delete', subject, '--permanent', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ subject, versions: [1], permanent: true });
    expect((await registry(['versions', subject])).code).toBe(2);
  });
});

describe('kstream registry failures', () => {
  it.each([
    [['versions', 'no-such-subject'], /^error: subject 'no-such-subject' not found in the Schema Registry at http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7 \(list them with `kstream registry subjects list`\)$/m],
    [['get', 'no-such-subject'], /^error: subject 'no-such-subject' not found in the Schema Registry at /m],
    [['delete', 'no-such-subject'], /^error: subject 'no-such-subject' not found in the Schema Registry at /m],
    [['get', '--id', '987654'], /^error: no schema with id 987654 in the Schema Registry at /m],
  ])('%j: exit 2 and one line', async (args, message) => {
    const r = await registry(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names a version the subject lacks', async () => {
    const subject = uniqueName('short-value');
    expect((await registry(['register', subject, '-f', file(`${subject}.avsc`, V1)])).code).toBe(0);
    const r = await registry(['get', subject, '7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: subject '${subject}' has no version 7 \\(list its versions with \`kstream registry versions ${subject}\`\\)`, 'm'));
  });

  it('says when nothing listens at the URL (exit 3)', async () => {
    const port = await freePort();
    const r = await registry(['subjects', 'list'], { url: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`error: cannot connect to the Schema Registry at http://127.0.0.1:${port}: connection refused (is it running? \`kstream local start --schema-registry\` runs one; or check --schema-registry)\n`);
  });

  it('says when the URL is a web server but not the registry API: Apicurio without /apis/ccompat/v7', async () => {
    const root = url.replace(/\/apis\/ccompat\/v7$/, '');
    const r = await registry(['subjects', 'list'], { url: root });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^error: ${root.replace(/[.]/g, '\\.')} does not answer as a Schema Registry \\(HTTP 404, [^)]+\\) \\(point --schema-registry at the registry API: for Apicurio Registry it ends in /apis/ccompat/v7\\)$`, 'm'));
  });

  it('says when the port speaks something else than HTTP: a Kafka broker', async () => {
    const r = await runCli(['registry', 'subjects', 'list', '--schema-registry', `http://${brokers().split(',')[0]}`, '--timeout', '5s']);
    expect(r.code).toBe(3);
    // Kafka reads "GET " as the size of a request far over its limit, and closes the connection.
    expect(r.stderr).toMatch(/^error: the Schema Registry at http:\/\/127\.0\.0\.1:\d+ closed the connection without an HTTP answer \(is this the registry's address\? does it want https:\/\/\?\)$/m);
  });

  it('says when an HTML page answers', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Welcome</body></html>');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as { port: number };
      const r = await registry(['subjects', 'list'], { url: `http://127.0.0.1:${port}` });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^error: http:\/\/127\.0\.0\.1:\d+ does not answer as a Schema Registry \(HTTP 200, text\/html\)/m);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});

describe('kstream registry behind TLS and authentication', () => {
  const tlsDir = join(dir, 'tls');
  let ca: { cert: string; key: string };
  let server: { cert: string; key: string };
  beforeAll(() => {
    ca = generateCa(tlsDir, 'ca');
    server = signCertificate(tlsDir, ca, 'broker', 'serverAuth');
  });

  it('sends basic auth from the flags, the URL or a profile, over TLS trusted by --schema-registry-ca', async () => {
    const basic = `Basic ${Buffer.from('app:s3cret').toString('base64')}`;
    const front = await guardedRegistry(url, { tls: server, authorization: basic });
    try {
      const flags = await runCli(['registry', 'config', '-o', 'plain', '--schema-registry', front.url, '--schema-registry-ca', ca.cert, '--schema-registry-user', 'app', '--schema-registry-password', 's3cret']);
      expect(flags.code, flags.stderr).toBe(0);
      expect(flags.stdout).toBe('NONE\n');

      const inUrl = await runCli(['registry', 'config', '-o', 'plain', '--schema-registry', front.url.replace('//', '//app:s3cret@'), '--schema-registry-ca', ca.cert]);
      expect(inUrl.code, inUrl.stderr).toBe(0);

      const config = file('config.yaml', `current: secure\nprofiles:\n  secure:\n    brokers: [127.0.0.1:9092]\n    schemaRegistry:\n      url: ${front.url}\n      username: app\n      passwordEnv: SR_PASSWORD\n      ca: ${ca.cert}\n`);
      const viaProfile = await runCli(['registry', 'config', '-o', 'plain'], { env: { KSTREAM_CONFIG: config, SR_PASSWORD: 's3cret' } });
      expect(viaProfile.code, viaProfile.stderr).toBe(0);
      expect(front.seen.every((h) => h === basic)).toBe(true);

      const show = await runCli(['profile', 'show', '-o', 'json'], { env: { KSTREAM_CONFIG: file('config-pw.yaml', `current: p\nprofiles:\n  p:\n    brokers: [k:9092]\n    schemaRegistry:\n      url: ${front.url}\n      username: app\n      password: s3cret\n`) } });
      expect(show.code, show.stderr).toBe(0);
      expect(JSON.parse(show.stdout).schemaRegistry).toEqual({ url: front.url, username: 'app', password: '********' });
      expect(show.stdout).not.toContain('s3cret');

      const wrong = await runCli(['registry', 'subjects', 'list', '--schema-registry', front.url, '--schema-registry-ca', ca.cert, '--schema-registry-user', 'app', '--schema-registry-password', 'wrong']);
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toBe(`error: the Schema Registry at ${front.url} refused to authenticate us (HTTP 401: Unauthorized) (check --schema-registry-user/--schema-registry-password or --schema-registry-token)\n`);
      expect(wrong.stderr).not.toContain('wrong');

      const untrusted = await runCli(['registry', 'subjects', 'list', '--schema-registry', front.url, '--schema-registry-user', 'app', '--schema-registry-password', 's3cret']);
      expect(untrusted.code).toBe(3);
      expect(untrusted.stderr).toMatch(new RegExp(`^error: TLS with the Schema Registry at ${front.url.replace(/[.]/g, '\\.')} failed: .* \\(pass the CA file that signed its certificate with --schema-registry-ca\\)$`, 'm'));
    } finally {
      await front.close();
    }
  });

  it('sends a bearer token', async () => {
    const front = await guardedRegistry(url, { authorization: 'Bearer t0ken' });
    try {
      const ok = await runCli(['registry', 'config', '-o', 'plain', '--schema-registry', front.url], { env: { KSTREAM_SCHEMA_REGISTRY_TOKEN: 't0ken' } });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toBe('NONE\n');
      const none = await runCli(['registry', 'config', '--schema-registry', front.url]);
      expect(none.code).toBe(3);
      expect(none.stderr).toMatch(/refused to authenticate us \(HTTP 401/);
    } finally {
      await front.close();
    }
  });
});
