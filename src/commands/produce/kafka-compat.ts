// kafka-console-producer.sh's and kcat -P's command lines, as `kstream produce` reads them.
import { ArgList, refuseUnsupported } from '../../compat/args.js';
import { applyClientProperties, keyValues, readPropertiesFile, type Properties } from '../../compat/client-properties.js';
import { UsageError } from '../../errors.js';
import { COMPRESSIONS } from './options.js';

const LINE_READERS = ['kafka.tools.LineMessageReader', 'kafka.tools.ConsoleProducer$LineMessageReader', 'org.apache.kafka.tools.LineMessageReader'];

/** Flags of the console producer that tune its Java client: kstream batches and times out by itself. */
const TUNING = ['--batch-size', '--message-send-max-retries', '--retry-backoff-ms', '--max-block-ms', '--max-memory-bytes', '--max-partition-memory-bytes', '--metadata-expiry-ms', '--request-timeout-ms', '--socket-buffer-size'];

const UNSUPPORTED: Record<string, string> = {
  '--zookeeper': 'Kafka itself removed it; use --bootstrap-server',
};

export function translateProduce(args: ArgList, notes: string[]): void {
  const topic = args.value('--topic', '-t');
  args.flag('-P'); // kcat's produce mode: this is the produce command already
  refuseUnsupported(args, 'kafka-console-producer.sh', UNSUPPORTED);
  const acks = args.value('--request-required-acks');
  if (acks !== undefined) args.setDefault('--acks', acks === '-1' ? 'all' : acks);
  const codec = args.optional('--compression-codec', COMPRESSIONS);
  // Kafka's default when the flag is given without a codec.
  if (codec !== undefined) args.setDefault('--compression', codec === '' ? 'gzip' : codec, '-z');
  args.flag('--sync'); // kstream waits for every acknowledgement anyway, and keeps each key's order
  for (const flag of TUNING) if (args.values(flag).length) notes.push(`kstream ignores ${flag}: it sets its own batching and timeouts`);
  // The console producer's --timeout is its linger time in ms; kstream's is a duration such as 10s.
  const timeout = topic === undefined ? undefined : args.value('--timeout');
  if (timeout !== undefined && /^\d+$/.test(timeout)) notes.push("kstream ignores --timeout N (the console producer's linger time)");
  else if (timeout !== undefined) args.push('--timeout', timeout);
  readerOptions(args);
  clientProperties(args, notes);
  kcatFlags(args);
  if (topic !== undefined) {
    const files = kcatFiles(args);
    args.unshift(topic);
    for (const f of files) args.push('--file', f);
  }
}

function readerOptions(args: ArgList): void {
  const reader = args.value('--line-reader', '--reader');
  if (reader !== undefined && !LINE_READERS.includes(reader)) {
    throw new UsageError(`--line-reader ${reader} is not supported`, { hint: 'kstream reads lines as LineMessageReader does; for JSON envelopes use --input json' });
  }
  const props: string[] = args.values('--reader-property');
  for (const file of args.values('--reader-config')) props.push(...readPropertiesFile(file, '--reader-config').map(([k, v]) => `${k}=${v}`));
  for (const p of props) args.push('--property', p);
}

function clientProperties(args: ArgList, notes: string[]): void {
  const props: Properties = keyValues(args.values('--producer-property'), '--producer-property');
  for (const file of args.values('--producer.config')) props.push(...readPropertiesFile(file, '--producer.config'));
  notes.push(...applyClientProperties(args, props, 'producer property', {
    acks: (v) => args.setDefault('--acks', v === '-1' ? 'all' : v),
    'compression.type': (v) => args.setDefault('--compression', v, '-z'),
  }));
}

/** kcat -P's flags that kstream spells otherwise. */
function kcatFlags(args: ArgList): void {
  // -Z: an empty line is a null value (a tombstone).
  if (args.flag('-Z')) args.setDefault('--null-value', '');
  if (args.flag('-T')) args.push('--tee');
}

/** kcat takes input files as positionals; -l reads them line by line, which is what kstream does. */
function kcatFiles(args: ArgList): string[] {
  const lines = args.flag('-l');
  const files: string[] = [];
  const rest = args.list();
  for (const w of rest) if (!w.startsWith('-') && !isFlagValue(rest, w)) files.push(w);
  if (files.length && !lines) {
    throw new UsageError('kcat without -l sends each file as one message; kstream sends each line as a record', { hint: 'add -l, or pass the file with -f' });
  }
  for (const f of files) args.flag(f);
  return files;
}

/** Whether `w` is the value of the flag before it (e.g. `-K :`). */
function isFlagValue(words: string[], w: string): boolean {
  const at = words.indexOf(w);
  const prev = words[at - 1];
  return prev !== undefined && prev.startsWith('-') && !prev.includes('=') && !BOOLEAN_FLAGS.has(prev);
}

const BOOLEAN_FLAGS = new Set(['--allow-missing-key', '--create-topic', '--quiet', '-q', '--tee', '--tls', '--insecure-skip-verify', '--verbose', '-v', '--yes']);
