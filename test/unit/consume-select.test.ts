import { afterAll, describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../src/commands/consume/format.js';
import { parseHeaderGrep, parseRegex, RecordSelector, selects, type SelectOptions } from '../../src/commands/consume/select.js';

const rec = (key: string | null, value: string | null, headers: ConsumedRecord['headers'] = {}, offset = 0): ConsumedRecord => ({
  topic: 't', partition: 0, offset: String(offset), timestamp: '1000',
  key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers,
});

const none: SelectOptions = { grepHeaders: [], filters: [] };
const opened: RecordSelector[] = [];
const selector = (o: Partial<SelectOptions>) => {
  const s = new RecordSelector({ ...none, ...o });
  opened.push(s);
  return s;
};
afterAll(() => Promise.all(opened.map((s) => s.close())));

const RECORDS = [
  rec('user-42', '{"level":"error"}', { source: Buffer.from('billing') }, 0),
  rec('user-421', '{"level":"info"}', { source: [Buffer.from('x'), Buffer.from('billing-eu')] }, 1),
  rec(null, 'Timeout reading', {}, 2),
  rec('user-42', null, { source: Buffer.from('shipping') }, 3),
  rec('other', Buffer.from([0xc3, 0x28]).toString('latin1'), {}, 4),
];

describe('RecordSelector', () => {
  it('selects nothing when no option is given', () => expect(selects(none)).toBe(false));

  it.each<[string, Partial<SelectOptions>, boolean[]]>([
    ['--key: exact bytes, never a prefix', { key: Buffer.from('user-42') }, [true, false, false, true, false]],
    ['--grep on the value as text (null: empty)', { grep: parseRegex('/timeout/i', '--grep') }, [false, false, true, false, false]],
    ['--grep-key', { grepKey: parseRegex('^user-42$', '--grep-key') }, [true, false, false, true, false]],
    ['--grep-header: any value of the header', { grepHeaders: [parseHeaderGrep('source=^billing')] }, [true, true, false, false, false]],
    ['all must hold', { key: Buffer.from('user-42'), grepHeaders: [parseHeaderGrep('source=ship')] }, [false, false, false, true, false]],
    ['--filter: pipeline expressions over r', { filters: ['r.json?.level === "error"'] }, [true, false, false, false, false]],
    ['--filter sees topic, partition and offset', { filters: ['r.offset % 2 === 0 && r.topic === "t"'] }, [true, false, true, false, true]],
    ['--filter after the byte tests', { grepKey: /^user/, filters: ['r.value === null'] }, [false, false, false, true, false]],
  ])('%s', async (_what, o, keep) => expect(await selector(o).select(RECORDS)).toEqual(keep));

  it('an expression that throws is an error naming the record', async () =>
    expect(selector({ filters: ['r.json.level === 1'] }).select(RECORDS)).rejects.toThrow(/--filter 'r.json.level === 1' threw at t\/0@2/));

  it('reads /re/flags, and drops g and y, which would carry state from one record to the next', () => {
    expect(parseRegex('/a/gi', '--grep').flags).toBe('i');
    expect(parseRegex('a/b', '--grep').source).toBe('a\\/b');
    expect(() => parseRegex('(', '--grep')).toThrow(/--grep '\(' is not a regular expression/);
    expect(() => parseHeaderGrep('=x')).toThrow(/is not NAME=REGEX/);
  });
});
