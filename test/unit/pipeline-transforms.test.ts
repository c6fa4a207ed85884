import { afterAll, describe, expect, it } from 'vitest';
import { applyTransforms, compileExpression, compileTransforms, mapResult, recordView } from '../../src/commands/pipeline/transforms.js';
import { joinLines, splitLines } from '../../src/commands/pipeline/exec.js';
import { ExprThreads } from '../../src/commands/pipeline/expr-threads.js';
import { envelopeLine, type PipeRecord } from '../../src/commands/pipeline/record.js';
import { stepsInOrder } from '../../src/commands/pipeline/run.js';

const rec = (value: string | null, extra: Partial<PipeRecord> = {}): PipeRecord => ({
  key: Buffer.from('k'),
  value: value === null ? null : Buffer.from(value),
  headers: { h: Buffer.from('x') },
  origin: { topic: 't', partition: 2, offset: '7', timestamp: '1700000000000' },
  ...extra,
});
const text = (records: PipeRecord[]) => records.map((r) => r.value?.toString() ?? null);
const threads = new ExprThreads();
afterAll(() => threads.close());
const env = { stderr: { write: () => true } as unknown as NodeJS.WritableStream, env: process.env, threads, mapTimeoutMs: 10_000 };
const hex = (b: Buffer | null) => b?.toString('hex') ?? null;

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
    const headers = Object.fromEntries(Object.entries(out!.headers).map(([k, v]) => [k, String(v)]));
    const shown = { key: out!.key?.toString() ?? null, value: out!.value?.toString() ?? null, headers, partition: out!.partition };
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
    expect(out[0]).toMatchObject({ value: Buffer.from('v'), key: Buffer.from('k'), headers: { h: Buffer.from('x') }, partition: 2 });
    expect(out[1]).toMatchObject({ key: Buffer.from('k9'), value: Buffer.from('{"n":1}'), headers: { a: Buffer.from('b') }, partition: 0 });
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
    ['a\r\n\nb\n', ['a\r', '', 'b']],
  ])('%j', (input, lines) => expect(splitLines(Buffer.from(input)).map(String)).toEqual(lines));

  it('splits bytes without decoding them', () => {
    const bytes = Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a, 0xfe, 0x0a]);
    expect(splitLines(bytes).map((b) => b.toString('hex'))).toEqual(['610062ff', 'fe']);
    expect(joinLines([Buffer.from([0xff]), null]).toString('hex')).toBe('ff0a0a');
  });
});

describe('bytes through transforms', () => {
  const binary = Buffer.from([0x61, 0x00, 0x62, 0xff]);
  const bin = rec(null, { value: binary, key: Buffer.from([0xfe, 0x01]), headers: { h: Buffer.from([0xc3]) } });

  it('keep a binary value, key and headers that --map returns unchanged', async () => {
    for (const expr of ['r.value', '({key: r.key, value: r.value, headers: r.headers})', 'r.bytes', '({key: r.keyBytes, value: r.bytes, headers: r.headerBytes})']) {
      const [t] = compileTransforms([{ kind: 'map', expr }], env);
      const [out] = await t!([bin]);
      expect([hex(out!.key), hex(out!.value), hex(out!.headers.h as Buffer)], expr).toEqual(['fe01', '610062ff', 'c3']);
    }
  });

  it('show bytes to the expression as Uint8Array', async () => {
    const [t] = compileTransforms([{ kind: 'map', expr: 'String([...r.bytes].map((b) => b.toString(16)))' }], env);
    expect(text(await t!([bin]))).toEqual(['61,0,62,ff']);
  });

  it('pass bytes through --exec lines unchanged', async () => {
    const [t] = compileTransforms([{ kind: 'exec', command: 'cat; printf "a\\0b\\377"', format: 'lines', timeoutMs: 10_000 }], env);
    expect((await t!([bin])).map((r) => hex(r.value))).toEqual(['610062ff', '610062ff']);
  });
});

describe('runaway expressions', () => {
  it('fail the batch at --map-timeout, and the next batch runs', async () => {
    const [loop] = compileTransforms([{ kind: 'map', expr: '(()=>{while(true){}})()' }], { ...env, mapTimeoutMs: 300 });
    await expect(loop!([rec('v')])).rejects.toMatchObject({ name: 'TransformError', message: expect.stringMatching(/did not finish a batch of 1 records within 300ms \(--map-timeout\)/) });
    const [ok] = compileTransforms([{ kind: 'map', expr: 'r.value + "!"' }], env);
    expect(text(await ok!([rec('v')]))).toEqual(['v!']);
  });

  it('stop when the signal aborts', async () => {
    const [loop] = compileTransforms([{ kind: 'filter', expr: '(()=>{while(true){}})()' }], { ...env, mapTimeoutMs: 0 });
    const stop = new AbortController();
    const running = loop!([rec('v')], stop.signal);
    setTimeout(() => stop.abort(), 100);
    await expect(running).rejects.toMatchObject({ name: 'StopRequested' });
  });
});

describe('stepsInOrder', () => {
  it('keeps the order the flags were written in', () => {
    expect(stepsInOrder({ _: [], exec: 'cat', from: 'a', map: 'r.value', filter: 'true' })).toEqual([['exec', 'cat'], ['map', 'r.value'], ['filter', 'true']]);
    expect(() => stepsInOrder({ map: ['a', 'b'] })).toThrow(/--map may be given once/);
  });
});
