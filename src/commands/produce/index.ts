import { access, constants, stat } from 'node:fs/promises';
import type { Options } from 'yargs';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { createKafka } from '../../connection.js';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { watchSignals } from '../../signals.js';
import { useCompression } from './codecs.js';
import { COMPRESSIONS, produceOptions, type ProduceArgs, type ProduceOptions } from './options.js';
import { produceRecords } from './produce.js';
import { formatProgress, formatSummary, type ProduceStats } from './summary.js';

const options = {
  file: { alias: 'f', type: 'string', array: true, requiresArg: true, describe: 'Read this file instead of stdin (repeatable)' },
  'key-separator': { alias: 'K', type: 'string', requiresArg: true, describe: 'Split each line at the first SEP into key and value' },
  'allow-missing-key': { type: 'boolean', describe: 'With -K, a line without SEP gets a null key' },
  key: { alias: 'k', type: 'string', requiresArg: true, describe: 'The same key on every record' },
  property: { type: 'string', array: true, requiresArg: true, describe: "Kafka console-producer style: parse.key=true, key.separator=SEP" },
  header: { alias: 'H', type: 'string', array: true, requiresArg: true, describe: 'Header key=value on every record (repeatable)' },
  partition: { alias: 'p', type: 'string', requiresArg: true, describe: 'Send every record to this partition' },
  input: { choices: ['text', 'json'] as const, requiresArg: true, describe: 'text, or json: one envelope per line as consume -o json prints' },
  'null-value': { type: 'string', requiresArg: true, describe: 'A value equal to STRING is sent as null (a tombstone)' },
  delimiter: { alias: 'D', type: 'string', requiresArg: true, describe: 'Record delimiter instead of newline (\\t, \\0 work)' },
  'max-line-bytes': { type: 'string', requiresArg: true, describe: "Longest record (default: the topic's max.message.bytes)" },
  acks: { type: 'string', choices: ['all', '1', '0'] as const, requiresArg: true, describe: 'Acknowledgements to wait for (default all)' },
  compression: { alias: 'z', choices: COMPRESSIONS, requiresArg: true, describe: 'Compression codec (default none)' },
  'create-topic': { type: 'boolean', describe: 'Create the topic if it does not exist' },
  partitions: { type: 'string', requiresArg: true, describe: 'Partitions for --create-topic' },
  output: { alias: 'o', choices: ['json'] as const, requiresArg: true, describe: 'json: {"partition","offset"} per record on stdout' },
  tee: { type: 'boolean', describe: 'Also copy each record read to stdout, as tee does (kcat -T)' },
  quiet: { alias: 'q', type: 'boolean', describe: 'Print no summary or progress' },
} satisfies Record<string, Options>;

/** Fails before connecting if an input file cannot be read. */
async function checkFiles(files: string[]): Promise<void> {
  for (const path of files) {
    try {
      await access(path, constants.R_OK);
      if ((await stat(path)).isDirectory()) throw new Error('it is a directory');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new UsageError(`cannot read --file ${path}: ${reason}`);
    }
  }
}

/** Redraws a progress line on a terminal every second; returns a function that clears it. */
function showProgress(ctx: Context, stats: ProduceStats, started: number): () => void {
  const stderr = ctx.io.stderr;
  const timer = setInterval(() => stderr.write(`\r\x1b[K${formatProgress(stats, (performance.now() - started) / 1000)}`), 1000);
  timer.unref();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    stderr.write('\r\x1b[K');
  };
}

export async function runProduce(ctx: Context, argv: object, opts: ProduceOptions): Promise<void> {
  await checkFiles(opts.files);
  const conn = connectionFrom(ctx, argv);
  const compression = await useCompression(opts.compression);
  const kafka = await createKafka(conn, ctx.io);
  const interruption = watchSignals(ctx);
  const stats: ProduceStats = { read: 0, acked: 0, bytes: 0 };
  const started = performance.now();
  const stopProgress = !opts.quiet && ctx.io.stderr.isTTY ? showProgress(ctx, stats, started) : undefined;
  try {
    const info = (line: string) => !opts.quiet && ctx.info(line);
    const failure = await produceRecords({ kafka, conn, io: ctx.io, signal: interruption.signal, info, compression }, opts, stats);
    stopProgress?.();
    if (!opts.quiet) ctx.info(formatSummary(stats, (performance.now() - started) / 1000));
    if (failure) throw failure;
    interruption.throwIfInterrupted();
  } finally {
    stopProgress?.();
    interruption.dispose();
  }
}

export const produceCommand: CommandFactory = (ctx) => ({
  command: 'produce <topic>',
  describe: 'Send lines of stdin or files to a topic, keyed or not',
  builder: (y) =>
    y
      .positional('topic', { type: 'string', describe: 'Topic to write to' })
      .options(options)
      .example("printf 'a:1\\nb:2\\n' | $0 produce orders -K:", 'Keys before the first colon')
      .example('$0 produce orders -f big.txt -z lz4', 'A file, compressed')
      .example('$0 consume a -o json | $0 produce b --input json', 'Copy records losslessly')
      .example('$0 produce t --property parse.key=true --property key.separator=:', 'As kafka-console-producer'),
  handler: async (argv) => {
    await runProduce(ctx, argv, produceOptions(argv as unknown as ProduceArgs));
  },
});
