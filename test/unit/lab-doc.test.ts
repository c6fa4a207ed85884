import { describe, expect, it } from 'vitest';
import { mismatch, normalize, parseLabPage, substitute, type Expectation } from '../helpers/lab-doc.js';

const expectation = (mode: Expectation['mode'], text: string, columns: string[] = []): Expectation => ({ stream: 'stdout', mode, columns, text });

describe('the docs/lab.md reader', () => {
  it('reads run steps, their expectations, and commands not run', () => {
    const page = parseLabPage([
      '```sh', 'kstream local start', '```',
      '<!-- lab:run -->', '```sh', 'kstream topics list', '```',
      '<!-- lab:expect stderr columns=A,B -->', '```text', 'A B', '```',
      '<!-- lab:run -->', '```sh', 'kstream topics list', '```',
    ].join('\n'));
    expect(page.unrun).toEqual(['kstream local start']);
    expect(page.steps).toEqual([
      { line: 5, script: 'kstream topics list\n', expect: { stream: 'stderr', mode: 'columns', columns: ['A', 'B'], text: 'A B\n' } },
      { line: 13, script: 'kstream topics list\n' },
    ]);
  });

  it('compares tables and tab-separated lines word by word', () => {
    expect(normalize('┌───┬───┐\n│ A │ B │\n└───┴───┘\n')).toEqual(['A B']);
    expect(mismatch(expectation('exact', '│ A  │ B │\n│ 1  │ 2 │\n'), 'A\tB\n1\t2\n')).toBeUndefined();
    expect(mismatch(expectation('exact', 'A B\n1 2\n'), 'A\tB\n1\t3\n')).toBe('lines differ');
  });

  it.each([
    ['unordered', 'x\ny\n', 'y\nx\n', undefined],
    ['unordered', 'x\ny\n', 'y\nx\nz\n', 'lines differ (in any order)'],
    ['contains', 'x\nx\n', 'x\ny\nx\n', undefined],
    ['contains', 'x\nx\n', 'x\ny\n', 'missing line: x'],
    ['lines', 'a\nb\n', 'c\nd\n', undefined],
    ['lines', 'a\nb\n', 'c\n', 'expected 2 lines, got 1'],
  ] as const)('%s %j against %j', (mode, want, got, result) => expect(mismatch(expectation(mode, want), got)).toBe(result));

  it('compares only the named columns of a table, and the other lines as contained', () => {
    const want = 'total 7\nT P LAG\nlab 0 3\nlab 1 4\n';
    const cols = ['T', 'P'];
    expect(mismatch(expectation('columns', want, cols), 'T\tP\tLAG\nlab\t1\t2\nlab\t0\t5\ntotal 7\n')).toBeUndefined();
    expect(mismatch(expectation('columns', want, cols), 'T\tP\tLAG\nlab\t0\t5\ntotal 7\n')).toBe('rows differ in columns T, P');
    expect(mismatch(expectation('columns', want, cols), 'T\tP\tLAG\nlab\t1\t2\nlab\t0\t5\ntotal 6\n')).toBe('missing line: total 7');
    expect(mismatch(expectation('columns', want, ['X']), want)).toBe('no table with columns X');
  });

  it('substitutes the topic and the group as whole words', () =>
    expect(substitute('kstream consume lab --group lab-readers # lab.md labs', { topic: 'T', group: 'G' }))
      .toBe('kstream consume T --group G # T.md labs'));
});

describe("the lab page's Kafka script forms", () => {
  it('maps each Kafka line to its step, swaps the script and feeds a producer the here-document', () => {
    const page = parseLabPage([
      '## 1. A section',
      '<!-- lab:run -->', '```sh', "kstream produce lab <<'EOF'", 'a', 'EOF', '```',
      '<!-- lab:run -->', '```sh', 'kstream consume lab -e', '```',
      '<!-- lab:kafka steps=1,2 -->', '```sh',
      'bin/kafka-console-producer.sh --bootstrap-server localhost:9092 \\', '  --topic lab',
      'bin/kafka-console-consumer.sh --topic lab   # a comment',
      'bin/kafka-server-stop.sh', '```',
    ].join('\n'));
    expect(page.steps.map((s) => s.kafka)).toEqual([
      "kstream produce --bootstrap-server localhost:9092 --topic lab <<'EOF'\na\nEOF\n",
      'kstream consume --topic lab\n',
    ]);
    expect(substitute(page.steps[1]!.kafka!, { topic: 'T', group: 'G', brokers: 'h:1' })).toBe('kstream consume --topic T\n');
    expect(substitute('x --bootstrap-server localhost:9092', { topic: 'T', group: 'G', brokers: 'h:1' })).toBe('x --bootstrap-server h:1');
  });

  it('refuses a marker whose steps do not match its lines', () =>
    expect(() => parseLabPage(['## s', '<!-- lab:run -->', '```sh', 'kstream topics list', '```', '<!-- lab:kafka steps=1,1 -->', '```sh', 'bin/kafka-topics.sh --list', '```'].join('\n')))
      .toThrow(/names 2 steps for 1 kstream-able lines/));
});
