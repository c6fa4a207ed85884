import { describe, expect, it } from 'vitest';
import { graphDot, graphText, parsePipeline, topologicalOrder } from '../../src/commands/pipeline/spec.js';

const GOOD = `
inputs: [raw]
defaults:
  batch-size: 100
stages:
  load:
    from: clean
    to-exec: "cat >> /tmp/out"
  parse:
    from: raw
    steps:
      - filter: "r.json?.level !== 'debug'"
      - exec: "jq -c '{level,msg}'"
    to: [clean, audit]
    dlq: parse-dlq
    parallel: 2
`;

describe('parsePipeline', () => {
  it('reads stages with defaults, steps and groups', () => {
    const file = parsePipeline(GOOD, 'p.yaml');
    expect(file.inputs).toEqual(['raw']);
    const parse = file.stages.find((s) => s.name === 'parse')!;
    expect(parse).toMatchObject({
      from: ['raw'], to: ['clean', 'audit'], dlq: 'parse-dlq', parallel: 2, batchSize: 100, group: 'kstream-pipeline-parse',
      steps: [{ kind: 'filter', expr: "r.json?.level !== 'debug'" }, { kind: 'exec', command: "jq -c '{level,msg}'", format: 'lines' }],
    });
    expect(file.stages.find((s) => s.name === 'load')).toMatchObject({ from: ['clean'], to: [], toExec: 'cat >> /tmp/out', batchSize: 100 });
  });

  it('orders stages so that each comes after the stages that feed it', () => {
    expect(topologicalOrder(parsePipeline(GOOD, 'p.yaml').stages).map((s) => s.name)).toEqual(['parse', 'load']);
  });

  it.each([
    ['stages:\n  a: {from: x, to: y}\n', /stage 'a' reads topic 'x', which no stage writes and inputs does not list/],
    ['inputs: [x]\nstages:\n  a: {from: x, to: y}\n  b: {from: y, to: z}\n  c: {from: z, to: y}\n', /stages form a cycle: b -> c -> b/],
    ['stages:\n  a: {from: a1, to: a1}\n', /stages form a cycle: a -> a/],
    ['inputs: [x]\nstages:\n  a: {from: x, to: y, stpes: []}\n', /stage 'a': unknown key 'stpes'/],
    ['inputs: [x]\nstages:\n  a: {from: x}\n', /stage 'a' needs to: TOPIC, to-exec: COMMAND or to-db: URL/],
    ['inputs: [x]\nstages:\n  a: {from: x, to: y, steps: [{grep: x}]}\n', /step 1 must be one of/],
    ['inputs: [x]\nstages:\n  a: {from: x, to: y, batch-size: zero}\n', /batch-size must be a whole number/],
    ['inputs: [x]\nstages:\n  a: {from: x, to: y, group: g}\n  b: {from: y, to: z, group: g}\n', /share the consumer group 'g'/],
    ['stages: [a]\n', /needs a `stages:` map/],
    ['stages: {a: {from: x\n', /is not valid YAML/],
  ])('rejects %j', (text, message) => {
    expect(() => parsePipeline(text, 'p.yaml')).toThrow(message);
  });

  it('lists every problem, the first in the message', () => {
    try {
      parsePipeline('stages:\n  a: {from: x, to: y}\n  b: {from: q, to: r}\n', 'p.yaml');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/^p.yaml: stage 'a' reads topic 'x'.*\(and 1 more problem listed above\)$/);
      expect((err as { details?: string }).details).toContain("p.yaml: stage 'b' reads topic 'q'");
    }
  });
});

describe('graphs', () => {
  const file = parsePipeline(GOOD, 'p.yaml');
  it('prints one line per stage in order', () => {
    expect(graphText(file)).toBe(
      "parse: raw -> filter:r.json?.level !== 'debug' | exec:jq -c '{level,msg}' -> clean, audit (dlq parse-dlq)\n" +
      'load: clean -> (copy) -> exec:cat >> /tmp/out\n',
    );
  });

  it('prints Graphviz DOT with topics and stages as nodes', () => {
    const dot = graphDot(file);
    expect(dot).toMatch(/^digraph pipeline \{\n/);
    expect(dot).toContain('"topic:raw" -> "stage:parse";');
    expect(dot).toContain('"stage:parse" -> "topic:clean";');
    expect(dot).toContain('"stage:parse" -> "topic:parse-dlq" [style=dashed, label="dlq"];');
    expect(dot).toContain('"topic:clean" -> "stage:load";');
    expect(dot).toContain('"stage:load" -> "exec:load";');
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });
});
