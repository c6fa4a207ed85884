import { describe, expect, it } from 'vitest';
import { render, resolveFormat } from '../../src/output.js';
import { topicsView } from '../../src/commands/topics/list.js';
import { describeView } from '../../src/commands/topics/describe.js';

const topics = [
  { name: 'a', partitions: 2, replicationFactor: 1, internal: false },
  { name: 'b', partitions: 1, replicationFactor: 3, internal: false },
];

describe('topics list view', () => {
  it('prints names only when plain', () => expect(render(topicsView(topics), 'plain')).toBe('a\nb\n'));
  it('prints stable JSON', () =>
    expect(render(topicsView(topics), 'json')).toBe(
      '[{"name":"a","partitions":2,"replicationFactor":1,"internal":false},{"name":"b","partitions":1,"replicationFactor":3,"internal":false}]\n',
    ));
  it('prints a table', () =>
    expect(render(topicsView(topics), 'table')).toBe(
      [
        '┌──────┬────────────┬──────────┐',
        '│ NAME │ PARTITIONS │ REPLICAS │',
        '│ a    │ 2          │ 1        │',
        '│ b    │ 1          │ 3        │',
        '└──────┴────────────┴──────────┘',
        '',
      ].join('\n'),
    ));
  it('prints nothing for no topics, and [] as JSON', () => {
    expect(render(topicsView([]), 'plain')).toBe('');
    expect(render(topicsView([]), 'json')).toBe('[]\n');
  });
});

describe('topics describe view', () => {
  const d = {
    name: 't',
    partitions: [{ partition: 0, leader: 1, replicas: [1, 2], isr: [1], lowWatermark: 5, highWatermark: 9, records: 4, recordsExact: false }],
    configs: [{ name: 'retention.ms', value: '1000', isDefault: false, sensitive: false }],
  };
  it('prints partitions, then configs, as tab-separated lines', () =>
    expect(render(describeView(d), 'plain')).toBe(
      'PARTITION\tLEADER\tREPLICAS\tISR\tLOW\tHIGH\t~RECORDS\n0\t1\t1,2\t1\t5\t9\t4\n\nCONFIGS\nNAME\tVALUE\nretention.ms\t1000\n',
    ));
  it('heads an exact count RECORDS, and high - low ~RECORDS', () => {
    const counted = { ...d, partitions: [{ ...d.partitions[0]!, records: 3, recordsExact: true }] };
    expect(render(describeView(counted), 'plain').split('\n')[0]).toBe('PARTITION\tLEADER\tREPLICAS\tISR\tLOW\tHIGH\tRECORDS');
  });
  it('omits an empty configs section', () =>
    expect(render(describeView({ ...d, configs: [] }), 'plain')).not.toContain('CONFIGS'));
});

describe('resolveFormat', () => {
  it('defaults to table on a TTY and plain in a pipe, and honours the flag', () => {
    expect(resolveFormat(undefined, { isTTY: true })).toBe('table');
    expect(resolveFormat(undefined, { isTTY: false })).toBe('plain');
    expect(resolveFormat('json', { isTTY: true })).toBe('json');
  });
});
