import { describe, expect, it } from 'vitest';
import { transactionalId, type StageSpec } from '../../src/commands/pipeline/stage.js';
import { isFenced } from '../../src/kafka/errors.js';
import { planFromChain, planFromFlags } from '../../src/commands/pipeline/plan.js';

const protocolError = (type: string, code: number) => Object.assign(new Error('x'), { name: 'KafkaJSProtocolError', type, code });

describe('isFenced', () => {
  it.each([
    [protocolError('INVALID_PRODUCER_EPOCH', 47), true],
    [Object.assign(new Error('wrapped'), { name: 'KafkaJSNonRetriableError', cause: protocolError('INVALID_PRODUCER_EPOCH', 47) }), true],
    [protocolError('UNKNOWN', 90), true],
    [protocolError('NOT_COORDINATOR', 16), false],
    [Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' }), false],
  ])('%o -> %s', (err, fenced) => expect(isFenced(err)).toBe(fenced));
});

describe('stage plans', () => {
  it('default the group and name a transactional id per stage and worker', () => {
    const plan = planFromFlags({ from: 'raw', to: 'clean', steps: [['map', 'r.value'], ['exec', 'cat']] });
    expect(plan).toMatchObject({
      name: 'clean', from: ['raw'], to: ['clean'], group: 'kstream-pipeline-raw-clean', batchSize: 5000, retries: 3, parallel: 1,
      steps: [{ kind: 'map', expr: 'r.value' }, { kind: 'exec', command: 'cat', format: 'lines', timeoutMs: 60_000 }],
    });
    expect(transactionalId({ ...plan, transforms: [] } as StageSpec, 1)).toBe('kstream-pipeline-raw-clean:clean:1');
    expect(planFromChain('topic:a | exec:wc -l', { group: 'g', batchSize: '10', execFormat: 'json' })).toMatchObject({
      from: ['a'], to: [], toExec: 'wc -l', group: 'g', batchSize: 10, execFormat: 'json',
    });
  });

  it.each([
    [{ to: 'b', steps: [] }, /name the source with --from/],
    [{ from: 'a', steps: [] }, /name the destination/],
    [{ from: 'a', to: 'b', toExec: 'cat', steps: [] }, /one of --to, --to-exec and --to-db/],
    [{ from: 'a', to: 'b', steps: [], retries: '-1' }, /--retries must be a whole number/],
    [{ from: 'a', to: 'b', steps: [], batchMs: 'soon' }, /--batch-ms must be a duration/],
  ])('rejects %o', (args, message) => {
    expect(() => planFromFlags(args as Parameters<typeof planFromFlags>[0])).toThrow(message);
  });
});
