import { describe, expect, it } from 'vitest';
import { applyTransforms, compileExpression, compileTransforms, mapResult, recordView } from '../../src/commands/pipeline/transforms.js';
import { splitLines } from '../../src/commands/pipeline/exec.js';
import { envelopeLine, type PipeRecord } from '../../src/commands/pipeline/record.js';
import { stepsInOrder } from '../../src/commands/pipeline/run.js';

const rec = (value: string | null, extra: Partial<PipeRecord> = {}): PipeRecord => ({
  key: Buffer.from('k'),
  value: value === null ? null : Buffer.from(value),
  headers: { h: 'x' },
  origin: { topic: 't', partition: 2, offset: '7', timestamp: '1700000000000' },
  ...extra,
});
const text = (records: PipeRecord[]) => records.map((r) => r.value?.toString() ?? null);
const env = { stderr: { write: () => true } as unknown as NodeJS.WritableStream, env: process.env };

describe('recordView', () => {
  it('exposes text fields, numbers and json parsed on use', () => {
    const r = recordView(rec('{"a":1}'));
    expect(r).toMatchObject({ key: 'k', value: '{"a":1}', headers: { h: 'x' }, topic: 't', partition: 2, offset: 7, timestamp: 1700000000000 });
    expect(r.json).toEqual({ a: 1 });
    expect(recordView(rec('not json')).json).toBeUndefined();
    expect(recordView(rec(null)).value).toBeNull();
  });
});

describe('mapResult', () => {
  const input = rec('v');
  it.each<[unknown, Partial<{ key: string | null; value: string | null; headers: object; partition: number }> | undefined]>([
    [null, undefined],
    [undefined, undefined],
    ['new', { key: 'k', value: 'new', headers: { h: 'x' } }],
    [42, { value: '42' }],
    [{ a: 1 }, { value: '{"a":1}' }],
    [{ value: 'v2', key: 'k2' }, { key: 'k2', value: 'v2', headers: { h: 'x' } }],
    [{ value: { n: 1 }, headers: { y: 2 }, partition: 1 }, { value: '{"n":1}', headers: { y: '2' }, partition: 1 }],
    [{ key: null, value: 'x' }, { key: null, value: 'x' }],
  ])('%j', (result, expected) => {
    const out = mapResult(result, input, 'expr');
    if (expected === undefined) return expect(out).toBeUndefined();
    const shown = { key: out!.key?.toString() ?? null, value: out!.value?.toString() ?? null, headers: out!.headers, partition: out!.partition };
    expect(shown).toMatchObject(expected);
  });

  it('rejects a bad partition', () => {
    expect(() => mapResult({ value: 'x', partition: -1 }, input, 'e')).toThrow(/partition that is not a whole number/);
  });
});

describe('compiled transforms', () => {
  it('apply map, filter and exec in order', async () => {
    const ts = compileTransforms([
      { kind: 'filter', expr: "!r.value.startsWith('DEBUG')" },
      { kind: 'map', expr: 'r.value.toUpperCase()' },
      { kind: 'exec', command: "sed 's/^/> /'", format: 'lines', timeoutMs: 10_000 },
    ], env);
    expect(text(await applyTransforms(ts, [rec('DEBUG x'), rec('info y'), rec('warn z')]))).toEqual(['> INFO Y', '> WARN Z']);
  });

  it('let an exec command print more or fewer lines than it read', async () => {
    const [dup] = compileTransforms([{ kind: 'exec', command: "awk '{print; print}'", format: 'lines', timeoutMs: 10_000 }], env);
    expect(text(await dup!([rec('a'), rec('b')]))).toEqual(['a', 'a', 'b', 'b']);
    const [none] = compileTransforms([{ kind: 'exec', command: 'grep nothing-matches || true', format: 'lines', timeoutMs: 10_000 }], env);
    expect(await none!([rec('a')])).toEqual([]);
  });

  it('pass JSON envelopes through --exec-format json, which may set key, headers and partition', async () => {
    const [t] = compileTransforms([{ kind: 'exec', command: 'cat; echo \'{"key":"k9","value":{"n":1},"headers":{"a":"b"},"partition":0}\'', format: 'json', timeoutMs: 10_000 }], env);
    const out = await t!([rec('v')]);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ value: Buffer.from('v'), key: Buffer.from('k'), headers: { h: 'x' }, partition: 2 });
    expect(out[1]).toMatchObject({ key: Buffer.from('k9'), value: Buffer.from('{"n":1}'), headers: { a: 'b' }, partition: 0 });
  });

  it.each([
    [{ kind: 'exec' as const, command: 'exit 3', format: 'lines' as const, timeoutMs: 10_000 }, /'exit 3' exited 3/],
    [{ kind: 'exec' as const, command: 'echo oops >&2; exit 1', format: 'lines' as const, timeoutMs: 10_000 }, /exited 1: oops/],
    [{ kind: 'exec' as const, command: 'sleep 5', format: 'lines' as const, timeoutMs: 200 }, /did not finish within 200ms/],
    [{ kind: 'exec' as const, command: 'echo not-json', format: 'json' as const, timeoutMs: 10_000 }, /line 1 of the output of 'echo not-json' is not valid JSON/],
    [{ kind: 'map' as const, expr: 'r.nope.deeper' }, /'r.nope.deeper' threw at t\/2@7/],
  ])('fail the batch with a TransformError: %o', async (spec, message) => {
    const [t] = compileTransforms([spec], env);
    await expect(t!([rec('v')])).rejects.toMatchObject({ name: 'TransformError', message: expect.stringMatching(message) });
  });

  it('reject an expression that does not compile, naming the flag', () => {
    expect(() => compileExpression('r.value +', '--map')).toThrow(/--map 'r.value \+' is not a JavaScript expression/);
  });

  it('run expressions without access to the process', async () => {
    const [t] = compileTransforms([{ kind: 'map', expr: 'typeof process + typeof require' }], env);
    expect(text(await t!([rec('v')]))).toEqual(['undefinedundefined']);
  });
});

describe('envelopeLine', () => {
  it('writes the consume --output json shape', () => {
    expect(JSON.parse(envelopeLine(rec('v')))).toEqual({ topic: 't', partition: 2, offset: 7, timestamp: 1700000000000, key: 'k', value: 'v', headers: { h: 'x' } });
  });
});

describe('splitLines', () => {
  it.each([
    ['', []],
    ['a\n', ['a']],
    ['a\nb', ['a', 'b']],
    ['a\r\n\nb\n', ['a', '', 'b']],
  ])('%j', (input, lines) => expect(splitLines(input)).toEqual(lines));
});

describe('stepsInOrder', () => {
  it('keeps the order the flags were written in', () => {
    expect(stepsInOrder({ _: [], exec: 'cat', from: 'a', map: 'r.value', filter: 'true' })).toEqual([['exec', 'cat'], ['map', 'r.value'], ['filter', 'true']]);
    expect(() => stepsInOrder({ map: ['a', 'b'] })).toThrow(/--map may be given once/);
  });
});
