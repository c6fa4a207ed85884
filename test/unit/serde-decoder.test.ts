import { describe, expect, it } from 'vitest';
import { guarded } from '../../src/commands/consume/guards.js';
import { jsonFormat, printFlagsFormat, DEFAULT_PRINT_FLAGS, type ConsumedRecord, type Part } from '../../src/commands/consume/format.js';
import { OutBuffer } from '../../src/commands/consume/out-buffer.js';
import { renderer } from '../../src/commands/consume/render.js';
import type { RecordCursor } from '../../src/kafka/codec/decode-batch.js';
import { avroCodec } from '../../src/serde/avro.js';
import { decodingFormatter, RecordDecoder, type DataFormat } from '../../src/serde/decoder.js';
import type { RegistryApi } from '../../src/serde/registry-api.js';
import { SchemaStore } from '../../src/serde/store.js';
import { frame } from '../../src/serde/wire.js';

const USER = JSON.stringify({ type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] });
const PROTO = 'syntax = "proto3"; message P { int32 n = 1; }';

class NotFound extends Error {}

/** An in-memory registry that counts what it was asked. */
function fakeRegistry() {
  const asked: number[] = [];
  const schemas = new Map([[1, { schema: USER }], [2, { schema: PROTO, schemaType: 'PROTOBUF' }]]);
  const api: RegistryApi = {
    async schemaById(id) {
      asked.push(id);
      const s = schemas.get(id);
      if (!s) throw new NotFound();
      return s;
    },
    async subjectsOf(id) {
      return id === 1 ? [{ subject: 'users-value', version: 1 }] : [];
    },
    subjectVersion: () => Promise.reject(new NotFound()),
    lookup: () => Promise.resolve(undefined),
    register: () => Promise.resolve(1),
  };
  return { api, asked };
}

const avro = avroCodec(USER);
const user = (name: string) => frame(1, avro.encode({ name }));
const rec = (value: Buffer | null, key: Buffer | null = null): ConsumedRecord => ({ topic: 't', partition: 0, offset: '5', timestamp: '1', key, value, headers: {} });

function decoder(value: DataFormat, key: DataFormat = 'raw', warnings: string[] = []) {
  const reg = fakeRegistry();
  return { reg, d: new RecordDecoder(new SchemaStore(reg.api, (e) => e instanceof NotFound), key, value, (l) => warnings.push(l)) };
}

describe('RecordDecoder', () => {
  it('fetches each schema id once, however many records and callers ask', async () => {
    const { reg, d } = decoder('auto');
    const records = [rec(user('a')), rec(user('b')), rec(user('c'))];
    await Promise.all([d.prepare(records), d.prepare(records)]);
    await d.prepare(records);
    expect(reg.asked).toEqual([1]);
    const out = d.decode(records[1]!);
    expect(out.value!.toString()).toBe('{"name":"b"}');
    expect(out.valueSchema).toEqual({ id: 1, subject: 'users-value' });
  });

  it('auto passes through text, and an unknown id with one warning', async () => {
    const warnings: string[] = [];
    const { d } = decoder('auto', 'auto', warnings);
    const unknown = frame(99, Buffer.from('x'));
    const records = [rec(Buffer.from('plain')), rec(unknown), rec(unknown)];
    await d.prepare(records);
    expect(records.map((r) => d.decode(r).value!.toString())).toEqual(['plain', unknown.toString(), unknown.toString()]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('schema id 99');
  });

  it('a named format refuses other bytes and other schema types', async () => {
    const { d } = decoder('avro');
    const proto = frame(2, Buffer.from([0, 8, 1]));
    await d.prepare([rec(proto)]);
    expect(() => d.decode(rec(Buffer.from('plain')))).toThrow(/not in the Schema Registry wire format/);
    expect(() => d.decode(rec(proto))).toThrow(/schema 2 is Protobuf, not Avro/);
  });

  it('decodes keys by --key-format', async () => {
    const { d } = decoder('raw', 'avro');
    const r = rec(Buffer.from('v'), user('k'));
    await d.prepare([r]);
    const out = d.decode(r);
    expect([out.key!.toString(), out.value!.toString(), out.keySchema?.id]).toEqual(['{"name":"k"}', 'v', 1]);
    const both = decoder('auto', 'auto').d;
    const kv = rec(user('"value":"x'), user('k'));
    await both.prepare([kv]);
    const parts: Part[] = [];
    decodingFormatter(both, jsonFormat())(kv, parts);
    expect(JSON.parse(parts.join(''))).toMatchObject({ key: { name: 'k' }, value: { name: '"value":"x' }, keySchemaId: 1, valueSchemaId: 1 });
  });

  it('puts the decoded object into the JSON envelope', async () => {
    const { d } = decoder('auto');
    const r = rec(user('ann'));
    await d.prepare([r]);
    const parts: Part[] = [];
    decodingFormatter(d, jsonFormat())(r, parts);
    expect(JSON.parse(parts.join(''))).toMatchObject({ value: { name: 'ann' }, valueSchemaId: 1, valueSubject: 'users-value', offset: 5 });
  });
});

/** A cursor on one record, as the fetch path's walk gives it. */
function cursorOn(value: Buffer, offset: number): RecordCursor {
  return { buf: value, keyStart: -1, keyEnd: -1, valueStart: 0, valueEnd: value.length, partition: 0, offset, timestamp: 1, attributes: 0, headerCount: 0, firstHeader: () => false, nextHeader: () => false } as unknown as RecordCursor;
}

describe('the fetch path renderer with decoding', () => {
  it('holds records back from the first unknown schema and prints them in order once fetched', async () => {
    const { reg, d } = decoder('auto');
    await d.prepare([rec(user('warm'))]);
    reg.asked.length = 0;
    const format = decodingFormatter(d, printFlagsFormat(DEFAULT_PRINT_FLAGS));
    const render = renderer({ kind: 'records', formatter: format, decoder: d }, 't');
    const out = new OutBuffer();
    const proto = frame(2, Buffer.from([0, 8, 7]));
    [user('a'), Buffer.from('text'), proto, user('b')].forEach((v, i) => render(cursorOn(v, i), out));
    expect(Buffer.from(out.view()).toString()).toBe('{"name":"a"}\ntext\n');
    await render.settle!(out);
    expect(Buffer.from(out.view()).toString()).toBe('{"name":"a"}\ntext\n{"n":7}\n{"name":"b"}\n');
    expect(reg.asked).toEqual([2]);
  });

  it('a record that cannot be decoded fails the run through guarded, or is skipped', async () => {
    const { d } = decoder('avro');
    const failures: string[] = [];
    const warnings: string[] = [];
    const bad = frame(1, Buffer.from([0x7f]));
    await d.prepare([rec(bad)]);
    const parts: Part[] = [];
    guarded(decodingFormatter(d, jsonFormat()), false, (l) => warnings.push(l), (e) => failures.push(e.message))(rec(bad), parts);
    expect(failures[0]).toMatch(/cannot decode the record at partition 0 offset 5: value \(schema 1\): the Avro body ends early/);
    guarded(decodingFormatter(d, jsonFormat()), true, (l) => warnings.push(l), (e) => failures.push(e.message))(rec(bad), parts);
    expect(warnings[0]).toMatch(/skipped the record at partition 0 offset 5/);
    expect(parts).toEqual([]);
  });
});
