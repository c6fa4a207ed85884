import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { UsageError } from '../../errors.js';
import { watchSignals } from '../../signals.js';
import { validateTopicName } from '../../kafka/topic.js';
import { parseDuration } from '../../util/duration.js';
import { parseInteger } from '../../util/kv.js';
import { stepsInOrder } from '../pipeline/run.js';
import type { TransformSpec } from '../pipeline/transforms.js';
import { copyTopic, defaultCopyGroup } from './copy.js';
import { defaultRedriveGroup, redrive } from './redrive.js';
import { namesTarget, targetConnection, targetOptions, type TargetArgs } from './target.js';
import { parseBound } from './window.js';

/** --map and --filter in the order written (a copy runs no commands). */
function steps(argv: Record<string, unknown>): TransformSpec[] {
  return stepsInOrder(argv).map(([kind, expr]) => {
    if (kind === 'exec') throw new UsageError('a copy takes --map and --filter, not --exec', { hint: 'use `kstream pipeline run --exec` for commands' });
    return { kind, expr };
  });
}

export const copyCommand: CommandFactory = (ctx) => ({
  command: 'copy [source] [destination]',
  describe: 'Copy records between topics or clusters, keeping keys, headers, timestamps and partitions; re-drive a DLQ',
  builder: (y) =>
    y
      .positional('source', { type: 'string', describe: 'Topic to read' })
      .positional('destination', { type: 'string', describe: 'Topic to write (on the target cluster)' })
      .options({
        from: { type: 'string', describe: 'Where a new copy starts in each partition: beginning (default), end, OFFSET or @TIME', requiresArg: true },
        until: { type: 'string', describe: 'Stop before this point in each partition: end (as at start), OFFSET or @TIME', requiresArg: true },
        exit: { type: 'boolean', default: false, describe: 'Stop once the records present at start are copied (else run until Ctrl-C)' },
        filter: { type: 'string', describe: 'JS expression over r; copy the record when it is truthy (as in pipeline run)', requiresArg: true },
        map: { type: 'string', describe: 'JS expression over r: a new value, {key,value,headers,partition}, or null to drop (as in pipeline run)', requiresArg: true },
        'map-timeout': { type: 'string', describe: 'Fail a batch whose --map or --filter runs longer (default 30s; 0: no limit)', requiresArg: true },
        repartition: { type: 'boolean', default: false, describe: 'Let the key hash choose the destination partition instead of keeping the source one' },
        group: { type: 'string', describe: 'Consumer group that keeps the copy\'s position (default kstream-copy-SRC-DST)', requiresArg: true },
        'batch-size': { type: 'string', describe: 'Most records per batch and transaction (default 1000)', requiresArg: true },
        'dlq-redrive': { type: 'string', describe: 'Send the records of this dead-letter topic back where their kstream-source-* headers say', requiresArg: true },
        to: { type: 'string', describe: 'With --dlq-redrive: send every record to this topic instead', requiresArg: true },
        'keep-error-headers': { type: 'boolean', default: false, describe: 'With --dlq-redrive: keep the kstream-error* and kstream-source-* headers' },
        ...targetOptions,
      })
      .example('$0 copy orders orders-backup --exit', 'Copy what is there now, exactly once, then stop')
      .example("$0 copy orders orders-eu --from @2026-01-31T00:00:00Z --until @2026-02-01T00:00:00Z --filter 'r.headers.region === \"eu\"'", 'One day of EU orders')
      .example('$0 copy orders orders --to-profile dr', 'Mirror a topic to another cluster (at least once), until Ctrl-C')
      .example('$0 copy --dlq-redrive orders-dlq --exit', 'Send dead letters back to the topics and partitions they came from'),
  handler: async (argv) => {
    const source = connectionFrom(ctx, argv);
    const target = namesTarget(argv as TargetArgs) ? targetConnection(ctx, argv as TargetArgs, source) : undefined;
    const common = {
      steps: steps(argv),
      mapTimeoutMs: argv.mapTimeout === undefined ? 30_000 : parseDuration(argv.mapTimeout as string, '--map-timeout'),
      exit: argv.exit as boolean,
      repartition: argv.repartition as boolean,
      batchSize: argv.batchSize === undefined ? 1000 : parseInteger(argv.batchSize as string, '--batch-size', 1, 100_000),
      source, target,
    };
    const interruption = watchSignals(ctx);
    try {
      if (argv.dlqRedrive !== undefined) {
        if (argv.source !== undefined || argv.from !== undefined || argv.until !== undefined) {
          throw new UsageError('--dlq-redrive takes no source topic, --from or --until', { hint: 'e.g. kstream copy --dlq-redrive orders-dlq [--to orders]' });
        }
        const dlq = validateTopicName(argv.dlqRedrive as string);
        await redrive(ctx, {
          ...common, dlq, to: argv.to === undefined ? undefined : validateTopicName(argv.to as string), keepErrorHeaders: argv.keepErrorHeaders as boolean,
          group: (argv.group as string | undefined) ?? defaultRedriveGroup(dlq), signal: interruption.signal,
        });
      } else {
        if (argv.to !== undefined || argv.keepErrorHeaders) throw new UsageError('--to and --keep-error-headers go with --dlq-redrive', { hint: 'name the destination as the second argument: kstream copy SRC DST' });
        if (argv.source === undefined || argv.destination === undefined) throw new UsageError('name the source and destination topics', { hint: 'e.g. kstream copy orders orders-backup, or kstream copy --dlq-redrive DLQ' });
        const [src, dst] = [validateTopicName(argv.source as string), validateTopicName(argv.destination as string)];
        if (src === dst && !target) throw new UsageError(`cannot copy '${src}' onto itself on one cluster`, { hint: 'name another destination, or a target cluster with --to-profile or --to-bootstrap-server' });
        await copyTopic(ctx, {
          ...common, src, dst, group: (argv.group as string | undefined) ?? defaultCopyGroup(src, dst),
          from: argv.from === undefined ? undefined : parseBound(argv.from as string, '--from'),
          until: argv.until === undefined ? undefined : parseBound(argv.until as string, '--until'),
          signal: interruption.signal,
        });
      }
      // Ctrl-C is how a following copy ends: its summary was printed.
      interruption.endIfInterrupted();
    } finally {
      interruption.dispose();
    }
  },
});
