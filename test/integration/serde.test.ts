// Records encoded and decoded by schema against the run's real Schema Registry (Apicurio, through
// its Confluent-compatible API) and the real broker: Avro, Protobuf and JSON Schema round trips,
// records not in the wire format passed through, a bad line stopping produce before it is sent,
// and a pipeline whose --filter and --map see the decoded value.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, uniqueName } from '../helpers/cli.js';
import { createTopic } from '../helpers/produce.js';
import { testRegistry } from '../helpers/registry.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/serde/${name}`, import.meta.url));
let registry: string;
const sr = () => ['--schema-registry', registry];

beforeAll(async () => {
  registry = await testRegistry();
}, 180_000);

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('Avro', () => {
  it('round-trips JSON lines through the registry, and consume -o json names the schema', async () => {
    const topic = await createTopic('serde-avro', 1);
    const input = [
      { name: 'ann', age: 31, email: { string: 'ann@example.com' }, tags: ['a'] },
      { name: 'bob', age: 4 },
    ].map((v) => JSON.stringify(v)).join('\n') + '\n';
    const produced = await runCli(['produce', topic, ...sr(), '--value-schema-file', fixture('user.avsc'), '--register'], { input });
    expect(produced.stderr).toContain('2 records');
    expect(produced.code).toBe(0);

    // The bytes on the topic are in the wire format: magic 0 and a 4-byte id.
    const raw = await runCli(['consume', topic, '-e', '--from-beginning', '-q', '--value-encoding', 'hex']);
    expect(raw.code).toBe(0);
    for (const hex of raw.stdout.trim().split('\n')) expect(hex).toMatch(/^00[0-9a-f]{8}/);
    const id = parseInt(raw.stdout.slice(2, 10), 16);

    const plain = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr()]);
    expect(plain.stdout).toBe(
      '{"name":"ann","age":31,"email":{"string":"ann@example.com"},"tags":["a"]}\n' +
      '{"name":"bob","age":4,"email":null,"tags":[]}\n',
    );
    const json = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr(), '-o', 'json']);
    const [first] = jsonLines(json.stdout);
    expect(first!.value).toEqual({ name: 'ann', age: 31, email: { string: 'ann@example.com' }, tags: ['a'] });
    expect(first!.valueSchemaId).toBe(id);
    expect(first!.valueSubject).toBe(`${topic}-value`);
    const formatted = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr(), '--format', '%i %s\\n', '-n', '1']);
    expect(formatted.stdout).toBe(`${id} {"name":"ann","age":31,"email":{"string":"ann@example.com"},"tags":["a"]}\n`);
    const kcatJson = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr(), '-J', '-n', '1']);
    expect(jsonLines(kcatJson.stdout)[0]).toMatchObject({ payload: { name: 'ann' }, value_schema_id: id });
    // With --group, the kafkajs path decodes the same way.
    const grouped = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr(), '-g', uniqueName('serde-g')]);
    expect(grouped.stdout).toBe(plain.stdout);
  });

  it('encodes with a registered subject version, and by the record strategy', async () => {
    const topic = await createTopic('serde-avro-subject', 1);
    const reg = await runCli(['produce', topic, ...sr(), '--value-schema-file', fixture('user.avsc'), '--register', '--subject-strategy', 'record'], { input: '{"name":"c","age":1}\n' });
    expect(reg.code).toBe(0);
    const again = await runCli(['produce', topic, ...sr(), '--value-subject', 'com.example.User', '--value-schema-version', 'latest'], { input: '{"name":"d","age":2}\n' });
    expect(again.code).toBe(0);
    const out = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr(), '-o', 'json']);
    expect(jsonLines(out.stdout).map((e) => [e.value, e.valueSubject])).toEqual([
      [{ name: 'c', age: 1, email: null, tags: [] }, 'com.example.User'],
      [{ name: 'd', age: 2, email: null, tags: [] }, 'com.example.User'],
    ]);
  });

  it('stops at a line that does not fit, naming the line and the field, and sends nothing of it', async () => {
    const topic = await createTopic('serde-avro-bad', 1);
    const input = '{"name":"ok","age":1}\n{"name":"bad","age":"old"}\n{"name":"never","age":3}\n';
    const r = await runCli(['produce', topic, ...sr(), '--value-schema-file', fixture('user.avsc'), '--register'], { input });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 2: value field 'age' does not match schema \d+ \(subject .*-value\): expected int, got the string "old"/);
    const out = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr()]);
    expect(out.stdout).toBe('{"name":"ok","age":1,"email":null,"tags":[]}\n');
  });

  it('refuses an unregistered schema without --register, before reading anything', async () => {
    const topic = await createTopic('serde-avro-unreg', 1);
    const r = await runCli(['produce', topic, ...sr(), '--value-schema-file', fixture('user.avsc')], { input: '{"name":"x","age":1}\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`is not registered under subject '${topic}-value'`);
    expect(r.stderr).toContain('--register');
  });
});

describe('Protobuf and JSON Schema', () => {
  it('round-trips Protobuf messages as proto3 JSON', async () => {
    const topic = await createTopic('serde-proto', 1);
    const input = '{"id":"o1","quantity":"12345678901234","lines":[{"sku":"a"}],"status":"SHIPPED"}\n{"id":"o2"}\n';
    const produced = await runCli(['produce', topic, ...sr(), '--value-schema-file', fixture('order.proto'), '--register'], { input });
    expect(produced.stderr).toContain('2 records');
    const out = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr(), '--value-format', 'protobuf']);
    expect(out.stdout).toBe(
      '{"id":"o1","quantity":"12345678901234","lines":[{"sku":"a"}],"status":"SHIPPED"}\n' +
      '{"id":"o2","quantity":"0","lines":[],"status":"NEW"}\n',
    );
    const wrong = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr(), '--value-format', 'avro']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/partition 0 offset 0: the value's schema \d+ is Protobuf, not Avro/);
  });

  it('round-trips JSON Schema records, and refuses one the schema does not allow', async () => {
    const topic = await createTopic('serde-json', 1);
    const ok = await runCli(['produce', topic, ...sr(), '--value-schema-file', fixture('event.json'), '--register'], { input: '{"id":1,"kind":"click"}\n' });
    expect(ok.code).toBe(0);
    const bad = await runCli(['produce', topic, ...sr(), '--value-schema-file', fixture('event.json')], { input: '{"id":2,"kind":"scroll"}\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/line 1: value field 'kind' does not match schema \d+/);
    const out = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr(), '-o', 'json']);
    expect(jsonLines(out.stdout).map((e) => e.value)).toEqual([{ id: 1, kind: 'click' }]);
  });
});

describe('auto', () => {
  it('decodes records in the wire format and passes the others through as they are', async () => {
    const topic = await createTopic('serde-auto', 1);
    await runCli(['produce', topic], { input: 'plain text\n' });
    await runCli(['produce', topic, ...sr(), '--value-schema-file', fixture('user.avsc'), '--register'], { input: '{"name":"e","age":5}\n' });
    await runCli(['produce', topic], { input: '{"not":"encoded"}\n' });
    const out = await runCli(['consume', topic, '-e', '--from-beginning', '-q', ...sr()]);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('plain text\n{"name":"e","age":5,"email":null,"tags":[]}\n{"not":"encoded"}\n');
    // Without a registry nothing is decoded: the bytes print as they are.
    const raw = await runCli(['consume', topic, '-e', '--from-beginning', '-q', '--format', '%i\\n']);
    expect(raw.stdout.split('\n').slice(0, 3).map(Number)).toEqual([-1, expect.any(Number), -1]);
    expect(Number(raw.stdout.split('\n')[1])).toBeGreaterThan(0);
  });
});

describe('pipeline', () => {
  it('filters and maps on the decoded value and encodes the output with the destination schema', async () => {
    const src = await createTopic('serde-pipe-src', 1);
    const dst = await createTopic('serde-pipe-dst', 1);
    const input = ['{"name":"kid","age":9}', '{"name":"ann","age":31}', '{"name":"bob","age":40,"tags":["x"]}'].join('\n') + '\n';
    await runCli(['produce', src, ...sr(), '--value-schema-file', fixture('user.avsc'), '--register'], { input });
    const r = await runCli(['pipeline', 'run', '--from', src, '--to', dst, ...sr(), '--value-format', 'avro', '--exit',
      '--filter', 'r.json.age >= 18', '--map', '({ ...r.json, name: r.json.name.toUpperCase() })',
      '--to-value-schema-file', fixture('user.avsc'), '--register', '--group', uniqueName('serde-pipe')]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = await runCli(['consume', dst, '-e', '--from-beginning', '-q', ...sr(), '-o', 'json']);
    const got = jsonLines(out.stdout);
    expect(got.map((e) => e.value)).toEqual([
      { name: 'ANN', age: 31, email: null, tags: [] },
      { name: 'BOB', age: 40, email: null, tags: ['x'] },
    ]);
    // The output's schema was registered under the destination's subject (the registry shares the
    // id of an identical schema between subjects, so valueSubject may name the source's).
    const latest = await (await fetch(`${registry}/subjects/${dst}-value/versions/latest`)).json() as { id: number };
    expect(got[0]!.valueSchemaId).toBe(latest.id);
  });
});
