// Avro in the wire format against an independent implementation, both ways: values kstream encoded
// are read by the Apache Avro Java library (GenericDatumReader, then its JsonEncoder), and values
// the Java library wrote (JsonDecoder, then GenericDatumWriter) are decoded by kstream consume.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { avroJava, ensureAvroJava } from '../helpers/avro-java.js';
import { runCli } from '../helpers/cli.js';
import { createTopic } from '../helpers/produce.js';
import { testRegistry } from '../helpers/registry.js';

const SCHEMA = fileURLToPath(new URL('../fixtures/serde/interop.avsc', import.meta.url));
let registry: string;

beforeAll(async () => {
  ensureAvroJava();
  registry = await testRegistry();
}, 600_000);

/** Avro JSON values covering every kind the schema has: unions of each branch, bytes 0-255, big longs. */
function readings(): Array<Record<string, unknown>> {
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  return [
    { sensor: 'a', seq: 1, value: 21.5, ok: true, raw: all, digest: '\u0000\u0001\u00fe\u00ff', unit: 'C', labels: { room: 'kitchen', 'ü': 'ß' }, history: [1.5, -2.25], location: { 'com.example.interop.Location': { lat: 52.5, lon: 13.4 } }, note: { string: 'ok 🙂' } },
    { sensor: '', seq: 9007199254740991, value: -0.0001, ok: false, raw: '', digest: 'abcd', unit: 'K', labels: {}, history: [], location: null, note: { int: -7 } },
    // Longs past a double's integers: kstream prints them as strings of digits, exactly.
    { sensor: 'max', seq: '9223372036854775807', value: 0, ok: true, raw: '', digest: '    ', unit: 'C', labels: {}, history: [], location: null, note: null },
    { sensor: 'min', seq: '-9223372036854775808', value: 0, ok: true, raw: '', digest: '    ', unit: 'C', labels: {}, history: [], location: null, note: null },
    { sensor: 'z'.repeat(3000), seq: -9007199254740991, value: 1e300, ok: true, raw: '\n\t"\\', digest: '\u0080\u0081\u0082\u0083', unit: 'F', labels: { a: '' }, history: [0], location: null, note: null },
  ];
}

const lines = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join('\n') + '\n';

/** Java's JSON with longs of more than 15 digits as strings, as kstream writes those past 2^53. */
const javaJson = (text: string) => JSON.parse(text.replace(/"seq":(-?\d{16,})/, (_m, d: string) => (Number.isSafeInteger(Number(d)) ? `"seq":${d}` : `"seq":"${d}"`))) as unknown;
/** What Java's JsonDecoder reads: the big longs as numbers in the text. */
const forJava = (values: Array<Record<string, unknown>>) => values.map((v) => JSON.stringify(v).replace(/"seq":"(-?\d+)"/, '"seq":$1')).join('\n') + '\n';

describe('Avro interop with the Apache Avro Java library', () => {
  it('Java reads what kstream encoded', async () => {
    const topic = await createTopic('serde-java-read', 1);
    const produced = await runCli(['produce', topic, '--schema-registry', registry, '--value-schema-file', SCHEMA, '--register'], { input: lines(readings()) });
    expect(produced.code).toBe(0);
    const raw = await runCli(['consume', topic, '-e', '--from-beginning', '-q', '--value-encoding', 'hex']);
    const decoded = (await avroJava(['decode', SCHEMA], raw.stdout)).trim().split('\n').map((l) => l.split('\t'));
    expect(decoded).toHaveLength(readings().length);
    const ids = new Set(decoded.map(([id]) => id));
    expect(ids.size).toBe(1);
    expect(decoded.map(([, json]) => javaJson(json!))).toEqual(readings());
  });

  it('kstream decodes what Java encoded', async () => {
    const topic = await createTopic('serde-java-write', 1);
    // Register the schema through kstream (one record), then let Java write records with its id.
    const first = await runCli(['produce', topic, '--schema-registry', registry, '--value-schema-file', SCHEMA, '--register'], { input: lines(readings().slice(0, 1)) });
    expect(first.code).toBe(0);
    const idRun = await runCli(['consume', topic, '-e', '--from-beginning', '-q', '--format', '%i\\n']);
    const id = Number(idRun.stdout.trim());
    expect(id).toBeGreaterThan(0);
    const hex = (await avroJava(['encode', SCHEMA, String(id)], forJava(readings()))).trim().split('\n');
    const envelopes = hex.map((h) => JSON.stringify({ key: null, value: h, valueEncoding: 'hex' })).join('\n') + '\n';
    const sent = await runCli(['produce', topic, '--input', 'json'], { input: envelopes });
    expect(sent.code).toBe(0);
    const out = await runCli(['consume', topic, '-e', '--offset', '1', '-q', '--schema-registry', registry, '--value-format', 'avro', '-o', 'json']);
    expect(out.code).toBe(0);
    const got = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { value: unknown; valueSchemaId: number });
    expect(got.map((e) => e.value)).toEqual(readings());
    expect(got.every((e) => e.valueSchemaId === id)).toBe(true);
  });
});
