import { access, constants, stat } from 'node:fs/promises';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { createKafka } from '../../kafka/connection.js';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { watchSignals } from '../../signals.js';
import { compressorFor } from '../../kafka/codec/compress.js';
import { PRODUCE_OPTIONS, produceOptions, type ProduceArgs, type ProduceOptions } from './options.js';
import { typedArgv } from '../args.js';
import { produceRecords } from './produce.js';
import { formatProgress, formatSummary, type ProduceStats } from './summary.js';
import { openRegistry } from '../../serde/connect.js';
import { prepareEncoders, type RecordEncoders } from '../../serde/encoder.js';

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
  compressorFor(opts.compression); // a codec whose package cannot load fails before connecting
  const encoders = await schemaEncoders(ctx, argv, opts);
  const kafka = await createKafka(conn, ctx.io);
  const interruption = watchSignals(ctx);
  const stats: ProduceStats = { read: 0, acked: 0, bytes: 0 };
  const started = performance.now();
  const stopProgress = !opts.quiet && ctx.io.stderr.isTTY ? showProgress(ctx, stats, started) : undefined;
  try {
    const info = (line: string) => !opts.quiet && ctx.info(line);
    const failure = await produceRecords({ kafka, conn, io: ctx.io, signal: interruption.signal, info, encoders }, opts, stats);
    stopProgress?.();
    if (!opts.quiet) ctx.info(formatSummary(stats, (performance.now() - started) / 1000));
    if (failure) throw failure;
    interruption.throwIfInterrupted();
  } finally {
    stopProgress?.();
    interruption.dispose();
  }
}

/** The schemas of --value-schema-file / --value-subject, registered or looked up before anything is read. */
async function schemaEncoders(ctx: Context, argv: object, opts: ProduceOptions): Promise<RecordEncoders | undefined> {
  if (!opts.schemas) return undefined;
  const registry = openRegistry(ctx, argv);
  if (!registry) throw new UsageError('encoding with a schema needs a schema registry', { hint: 'pass --schema-registry URL, or set schemaRegistry in the profile' });
  return prepareEncoders(registry.api, registry.isNotFound, opts.schemas, opts.topic, opts.input);
}

export const produceCommand: CommandFactory = (ctx) => ({
  command: 'produce <topic>',
  describe: 'Send lines of stdin or files to a topic, keyed or not',
  builder: (y) =>
    y
      .positional('topic', { type: 'string', describe: 'Topic to write to' })
      .options(PRODUCE_OPTIONS)
      .example("printf 'a:1\\nb:2\\n' | $0 produce orders -K:", 'Keys before the first colon')
      .example('$0 produce orders -f big.txt -z lz4', 'A file, compressed')
      .example('$0 consume a -o json | $0 produce b --input json', 'Copy records losslessly')
      .example('$0 produce t --property parse.key=true --property key.separator=:', 'As kafka-console-producer')
      .example('$0 produce users --value-schema-file user.avsc --register', 'JSON lines encoded as Avro, the schema registered as users-value')
      .example('$0 produce users --value-subject users-value --value-schema-version 2', 'Encoded with a registered version'),
  handler: async (argv) => {
    await runProduce(ctx, argv, produceOptions(typedArgv<ProduceArgs>(argv)));
  },
});
