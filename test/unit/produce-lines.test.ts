import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readChunks } from '../../src/commands/produce/lines.js';
import { LineScanner } from '../../src/commands/produce/scanner.js';

const tooLong = (n: number) => new Error(`line ${n} is too long`);

/** The records of the scanner's last push or end, as text. */
function found(s: LineScanner, count: number): string[] {
  return Array.from({ length: count }, (_, i) => s.bufferOf(i).toString('utf8', s.starts[i], s.ends[i]));
}

/** Feeds `chunks` to a scanner and returns every record as text. */
function split(chunks: string[], delimiter = '\n', max = 100, stripCr = delimiter === '\n'): string[] {
  const s = new LineScanner(Buffer.from(delimiter), max, stripCr, tooLong);
  const out = chunks.flatMap((c) => found(s, s.push(Buffer.from(c))));
  const all = [...out, ...found(s, s.end())];
  return s.error ? [...all, s.error.message] : all;
}

describe('LineScanner', () => {
  it.each<[string[], string[]]>([
    [['a\nb\n'], ['a', 'b']],
    [['a\nb'], ['a', 'b']],
    [['a', 'b\nc', '\n'], ['ab', 'c']],
    [['a\r\nb\r\n'], ['a', 'b']],
    [['a\r', '\nb'], ['a', 'b']],
    [['\n\nx\n'], ['', '', 'x']],
    [['a\rb\n'], ['a\rb']],
    [[''], []],
    [['\n'], ['']],
  ])('splits %j into %j', (chunks, lines) => expect(split(chunks)).toEqual(lines));

  it('splits at a multi-byte delimiter across chunks and keeps \\r', () =>
    expect(split(['a\r;', ';b;', ';c'], ';;')).toEqual(['a\r', 'b', 'c']));

  it('returns offsets into the chunk, not copies', () => {
    const chunk = Buffer.from('ab\ncd\n');
    const s = new LineScanner(Buffer.from('\n'), 10, true, tooLong);
    expect(s.push(chunk)).toBe(2);
    expect(s.data).toBe(chunk);
    expect([...s.starts.subarray(0, 2), ...s.ends.subarray(0, 2)]).toEqual([0, 3, 2, 5]);
  });

  it('splits a multi-byte delimiter cut by chunk edges, and records spanning several chunks', () => {
    expect(split(['ab;', ';c', 'd;;e;', ';'], ';;')).toEqual(['ab', 'cd', 'e']);
    expect(split(['a', 'b', 'c', '\nd', 'e\n'])).toEqual(['abc', 'de']);
    expect(split(['x\r', '\n', 'y\r\n'])).toEqual(['x', 'y']);
  });

  it('finds more records in one chunk than its offset arrays first hold', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `r${i}`);
    expect(split([many.join('\n') + '\n'])).toEqual(many);
  });

  it('returns the records before one that is too long, then stops with its number', () => {
    expect(split(['ok\n', 'x'.repeat(11), '\n'], '\n', 10)).toEqual(['ok', 'line 2 is too long']);
    expect(split(['ok\nfine\n' + 'y'.repeat(11) + '\nlater\n', 'more\n'], '\n', 10)).toEqual(['ok', 'fine', 'line 3 is too long']);
    expect(split(['ok\n' + 'x'.repeat(11)], '\n', 10)).toEqual(['ok', 'line 2 is too long']);
  });

  it('refuses an endless line without holding it all', () => {
    const s = new LineScanner(Buffer.from('\n'), 10, true, tooLong);
    expect(s.push(Buffer.from('x'.repeat(10)))).toBe(0);
    expect(s.error).toBeUndefined();
    expect(s.push(Buffer.from('x'.repeat(10)))).toBe(0);
    expect(s.error?.message).toBe('line 1 is too long');
  });

  it('accepts a record of exactly the limit, with its \\r', () => expect(split(['x'.repeat(10) + '\r\n'], '\n', 10)).toEqual(['x'.repeat(10)]));
});

describe('readChunks', () => {
  it('reads to the end', async () => {
    const stream = new PassThrough();
    stream.end('abc');
    const chunks: string[] = [];
    for await (const c of readChunks(stream, new AbortController().signal, 'stdin')) chunks.push(c.toString());
    expect(chunks.join('')).toBe('abc');
  });

  it('stops waiting for input when aborted', async () => {
    const stream = new PassThrough();
    stream.write('first');
    const abort = new AbortController();
    const chunks: string[] = [];
    for await (const c of readChunks(stream, abort.signal, 'stdin')) {
      chunks.push(c.toString());
      setTimeout(() => abort.abort(), 10);
    }
    expect(chunks).toEqual(['first']);
  });

  it('names the source of a read error', async () => {
    const stream = new PassThrough();
    const it = readChunks(stream, new AbortController().signal, 'data.txt');
    const next = it.next();
    stream.destroy(new Error('EIO: i/o error'));
    await expect(next).rejects.toThrow('cannot read data.txt: EIO: i/o error');
  });

  it('leaves no listeners behind', async () => {
    const stream = new PassThrough();
    stream.end('x');
    for await (const _ of readChunks(stream, new AbortController().signal, 'stdin')) void _;
    expect(stream.listenerCount('readable') + stream.listenerCount('end') + stream.listenerCount('error')).toBe(0);
    expect(EventEmitter.listenerCount(stream, 'data')).toBe(0);
  });
});
