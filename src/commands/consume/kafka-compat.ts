// kafka-console-consumer.sh's and kcat -C's command lines, as `kstream consume` reads them.
// Kafka's semantics are kept where they differ: the console consumer reads uncommitted records
// by default, and kcat starts at the beginning (see README, "Kafka's own command lines").
import { ArgList, refuseUnsupported } from '../../compat/args.js';
import { applyClientProperties, keyValues, readPropertiesFile, type Properties } from '../../compat/client-properties.js';
import { UsageError } from '../../errors.js';

const FORMATTERS = ['kafka.tools.DefaultMessageFormatter', 'org.apache.kafka.tools.consumer.DefaultMessageFormatter'];
const OUTPUTS = ['plain', 'json', 'table', 'text'];

const UNSUPPORTED: Record<string, string> = {
  '--zookeeper': 'Kafka itself removed it; use --bootstrap-server',
  '--enable-systest-events': 'kstream prints records only',
  '--bootstrap-servers': 'spell it --bootstrap-server',
  '-G': 'kcat -G GROUP TOPIC…: use -g GROUP -t TOPIC',
  '-Z': 'kstream prints null keys and values as nothing in -f and -K output',
};

export function translateConsume(args: ArgList, notes: string[]): void {
  const topic = args.value('--topic');
  // Kafka's old name for --include (removed in Kafka 4).
  for (const re of args.values('--whitelist')) args.push('--include', re);
  const kcatTopic = args.value('-t');
  args.flag('-C'); // kcat's consume mode: this is the consume command already
  args.flag('-u'); // kcat's unbuffered output: kstream writes each batch as it arrives
  args.flag('-E');
  kcatSerdes(args);
  refuseUnsupported(args, 'kafka-console-consumer.sh or kcat', UNSUPPORTED);
  const formatter = args.value('--formatter');
  if (formatter !== undefined && !FORMATTERS.includes(formatter)) {
    throw new UsageError(`--formatter ${formatter} is not supported`, { hint: 'kstream formats as DefaultMessageFormatter does (--property print.key=true…), or with --format, -J or -o json' });
  }
  const props: string[] = args.values('--formatter-property');
  for (const file of args.values('--formatter-config')) props.push(...readPropertiesFile(file, '--formatter-config').map(([k, v]) => `${k}=${v}`));
  for (const [flag, prop] of [['--key-deserializer', 'key.deserializer'], ['--value-deserializer', 'value.deserializer']] as const) {
    for (const v of args.values(flag)) props.push(`${prop}=${v}`);
  }
  clientProperties(args, notes, props);
  for (const p of props) args.push('--property', p);
  kcatFlags(args, kcatTopic !== undefined);
  if (topic !== undefined) {
    // The console consumer's default; kstream's own is read_committed.
    args.setDefault('--isolation-level', 'read_uncommitted');
  }
  const name = topic ?? kcatTopic;
  if (name !== undefined) args.unshift(name);
}

function clientProperties(args: ArgList, notes: string[], formatterProps: string[]): void {
  const props: Properties = keyValues(args.values('--consumer-property'), '--consumer-property');
  for (const file of args.values('--consumer.config')) props.push(...readPropertiesFile(file, '--consumer.config'));
  notes.push(...applyClientProperties(args, props, 'consumer property', {
    'group.id': (v) => args.setDefault('--group', v, '-g'),
    'isolation.level': (v) => args.setDefault('--isolation-level', v),
    'auto.offset.reset': (v) => {
      if (v === 'earliest') args.setDefault('--from-beginning', undefined, '--offset');
      else if (v !== 'latest') throw new UsageError(`consumer property auto.offset.reset=${v} is not supported`, { hint: 'use earliest or latest' });
    },
    'key.deserializer': (v) => formatterProps.push(`key.deserializer=${v}`),
    'value.deserializer': (v) => formatterProps.push(`value.deserializer=${v}`),
  }));
}

/** kcat's `-s [key=|value=]avro -r URL`: decoding by schema; its pack-str deserializers are not supported. */
function kcatSerdes(args: ArgList): void {
  const url = args.value('-r');
  if (url !== undefined) args.push('--schema-registry', url);
  for (const spec of args.values('-s')) {
    const [side, serdes] = /^(key|value)=/.test(spec) ? (spec.split('=', 2) as [string, string]) : ['both', spec];
    if (serdes !== 'avro') {
      throw new UsageError(`kcat -s ${spec} is not supported`, { hint: 'kstream decodes -s avro (with -r URL); for Kafka\'s deserializers use --property value.deserializer=…' });
    }
    if (side !== 'key') args.push('--value-format', 'avro');
    if (side !== 'value') args.push('--key-format', 'avro');
  }
}

/** kcat -C's flags that kstream spells otherwise. */
function kcatFlags(args: ArgList, kcat: boolean): void {
  for (const o of args.values('-o')) {
    if (OUTPUTS.includes(o)) args.push('--output', o === 'text' ? 'plain' : o);
    else kcatOffset(args, o);
  }
  const partition = args.values('-p');
  for (const p of partition) args.push('--partition', p);
  const count = args.value('-c');
  if (count !== undefined) args.setDefault('--max-messages', count, '-n');
  const keyDelimiter = args.value('-K');
  const delimiter = args.value('-D');
  if ((keyDelimiter !== undefined || delimiter !== undefined) && !args.has('--format', '-f')) {
    // kcat prints null keys and values as nothing; so does a --format.
    const esc = (s: string) => s.replace(/[%\\]/g, (c) => c + c);
    args.push('--format', `${keyDelimiter === undefined ? '' : `%k${esc(keyDelimiter)}`}%s${delimiter === undefined ? '\\n' : esc(delimiter)}`);
  }
  const format = args.value('-f');
  if (format !== undefined) args.push('--format', format);
  // kcat starts at the beginning of each partition; kstream, like the console consumer, at the end.
  if (kcat && !args.has('--offset', '--from-beginning', '--group', '-g')) args.push('--from-beginning');
}

/** kcat's -o: beginning, end, stored, N, -N, s@TS (start at a time) or e@TS (stop at a time). */
function kcatOffset(args: ArgList, o: string): void {
  if (o.startsWith('e@')) {
    args.push('--until', '@' + o.slice(2));
    return;
  }
  if (o === 'stored') {
    if (!args.has('--group', '-g')) throw new UsageError('-o stored reads the offsets a group committed: pass -g GROUP');
    return;
  }
  args.push(`--offset=${o.startsWith('s@') ? '@' + o.slice(2) : o}`);
}
