import { describe, expect, it } from 'vitest';
import { parseChain, splitChain } from '../../src/commands/pipeline/chain.js';

const exec = { format: 'lines' as const, timeoutMs: 1000 };

describe('splitChain', () => {
  it.each([
    ['topic:a | topic:b', ['topic:a', 'topic:b']],
    [`topic:a | grep -v DEBUG | jq -c "{level,msg}" | topic:b`, ['topic:a', 'grep -v DEBUG', 'jq -c "{level,msg}"', 'topic:b']],
    [`topic:a | awk '{print $1 "|" $2}' | topic:b`, ['topic:a', `awk '{print $1 "|" $2}'`, 'topic:b']],
    [`topic:a | sed "s/a\\"|b/x/" | topic:b`, ['topic:a', 'sed "s/a\\"|b/x/"', 'topic:b']],
    ['topic:a | grep x\\|y | topic:b', ['topic:a', 'grep x\\|y', 'topic:b']],
    ['topic:a | test -n x || true | topic:b', ['topic:a', 'test -n x || true', 'topic:b']],
    ['topic:a|topic:b', ['topic:a', 'topic:b']],
  ])('%s', (text, parts) => {
    expect(splitChain(text)).toEqual(parts);
  });

  it.each([
    ['topic:a | | topic:b', /element 2 .* is empty/],
    [`topic:a | grep 'x | topic:b`, /unterminated ' quote/],
    ['topic:a | grep x |', /element 3 .* is empty/],
  ])('rejects %s', (text, message) => {
    expect(() => splitChain(text)).toThrow(message);
  });
});

describe('parseChain', () => {
  it('turns the middle elements into steps, shell commands by default', () => {
    expect(parseChain(`topic:raw | grep -v DEBUG | map:r.value.trim() | filter: r.value !== '' | exec:sort | topic:clean`, exec)).toEqual({
      from: 'raw',
      to: 'clean',
      transforms: [
        { kind: 'exec', command: 'grep -v DEBUG', format: 'lines', timeoutMs: 1000 },
        { kind: 'map', expr: 'r.value.trim()' },
        { kind: 'filter', expr: "r.value !== ''" },
        { kind: 'exec', command: 'sort', format: 'lines', timeoutMs: 1000 },
      ],
    });
    expect(parseChain('topic:a | grep x | cut -c1 | topic:b', exec).transforms).toEqual([{ kind: 'exec', command: 'grep x | cut -c1', format: 'lines', timeoutMs: 1000 }]);
  });

  it('runs neighbouring shell commands as one shell pipeline, as a shell would', () => {
    expect(parseChain(`topic:a | grep -v DEBUG | jq -c "{level,msg}" | map:r.value | exec:sort | uniq | topic:b`, exec).transforms).toEqual([
      { kind: 'exec', command: 'grep -v DEBUG | jq -c "{level,msg}"', format: 'lines', timeoutMs: 1000 },
      { kind: 'map', expr: 'r.value' },
      { kind: 'exec', command: 'sort', format: 'lines', timeoutMs: 1000 },
      { kind: 'exec', command: 'uniq', format: 'lines', timeoutMs: 1000 },
    ]);
  });

  it('accepts a command as the sink and no steps at all', () => {
    expect(parseChain('topic:orders | exec:wc -l', exec)).toEqual({ from: 'orders', toExec: 'wc -l', transforms: [] });
    expect(parseChain('topic:a | topic:b', exec)).toEqual({ from: 'a', to: 'b', transforms: [] });
  });

  it.each([
    ['topic:a', /needs a source and a destination/],
    ['grep x | topic:b', /must start with topic:NAME, not 'grep x'/],
    ['topic:a | grep x', /must end with topic:NAME, exec:COMMAND or db:URL, not 'grep x'/],
    ['topic:a | topic:mid | topic:b', /element 2 'topic:mid' is a topic in the middle/],
    ['topic:a | map: | topic:b', /'map:' needs something after the colon/],
    ['topic:bad name | topic:b', /'bad name' is not a valid topic name/],
  ])('rejects %s', (text, message) => {
    expect(() => parseChain(text, exec)).toThrow(message);
  });
});
