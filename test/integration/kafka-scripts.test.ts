// The commands of Apache Kafka's quickstart, its Kafka Streams quickstart and the operations docs
// of its console tools, pasted with `kstream X` in place of `bin/kafka-X.sh`. Each runs and
// prints what the docs show, or fails with the message kstream documents for it.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { brokers, BIN, NO_CONFIG, uniqueName } from '../helpers/cli.js';
import { testKafka, withTestAdmin } from '../helpers/kafka.js';
import { swapScript } from '../helpers/lab-doc.js';

interface Case {
  /** Where the line comes from. */
  doc: string;
  line: string;
  input?: string;
  before?: () => Promise<void>;
  code: number;
  stdout?: RegExp | string;
  stderr?: RegExp;
}

const id = uniqueName('paste');
const topic = (name: string) => `${name}-${id}`;
const group = (name: string) => `${name}-${id}`;
const names: Record<string, string> = {
  'quickstart-events': topic('quickstart-events'),
  'streams-plaintext-input': topic('streams-plaintext-input'),
  'streams-wordcount-output': topic('streams-wordcount-output'),
  my_topic_name: topic('my_topic_name'),
  'my-group': group('my-group'),
  'my-other-group': group('my-other-group'),
  'headers-test': topic('headers-test'),
  'my-topic': topic('my-topic'),
  clientA: topic('clientA'),
};

/** The names of the docs, made unique; the broker of the docs, the test's. */
function localize(line: string): string {
  let out = line.replace(/\blocalhost:9092\b/g, brokers());
  for (const [doc, mine] of Object.entries(names)) out = out.replace(new RegExp(`(?<![\\w-])${doc}(?![\\w-])`, 'g'), mine);
  return out;
}

function run(line: string, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const swapped = swapScript(line);
  if (!swapped) throw new Error(`not a kafka script line: ${line}`);
  const script = localize(swapped).replace(/^kstream /, `"${process.execPath}" "${BIN}" `);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { env: { ...process.env, NO_COLOR: '1', KSTREAM_CONFIG: NO_CONFIG }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(input);
  });
}

/** The word counts the Streams quickstart's WordCount writes: String keys, Long values. */
async function seedWordCounts(): Promise<void> {
  const producer = (await testKafka()).producer();
  await producer.connect();
  const long = (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(n);
    return b;
  };
  await producer.send({ topic: names['streams-wordcount-output']!, messages: [['all', 1n], ['streams', 1n], ['lead', 1n], ['to', 1n], ['kafka', 1n], ['kafka', 2n]].map(([k, v]) => ({ key: k as string, value: long(v as bigint) })) });
  await producer.disconnect();
}

const Q = 'kafka.apache.org/quickstart';
const S = 'kafka.apache.org/documentation/streams/quickstart';
const OPS = 'kafka.apache.org/documentation/#basic_ops';

const cases: Case[] = [
  { doc: Q, line: 'bin/kafka-topics.sh --create --topic quickstart-events --bootstrap-server localhost:9092', code: 0, stderr: /quickstart-events-\S+ +│ OK +│ created|quickstart-events\S*\s+OK\s+created/ },
  { doc: Q, line: 'bin/kafka-topics.sh --describe --topic quickstart-events --bootstrap-server localhost:9092', code: 0, stdout: /^PARTITION\tLEADER\tREPLICAS\tISR\tLOW\tHIGH\tRECORDS\n0\t1\t1\t1\t0\t0\t0\n/ },
  { doc: Q, line: 'bin/kafka-console-producer.sh --topic quickstart-events --bootstrap-server localhost:9092', input: 'This is my first event\nThis is my second event\n', code: 0, stderr: /^2 records/ },
  // The quickstart's consumer runs until Ctrl-C; --max-messages is its own way to stop.
  { doc: Q, line: 'bin/kafka-console-consumer.sh --topic quickstart-events --from-beginning --bootstrap-server localhost:9092 --max-messages 2', code: 0, stdout: 'This is my first event\nThis is my second event\n' },
  { doc: S, line: 'bin/kafka-topics.sh --create --bootstrap-server localhost:9092 --replication-factor 1 --partitions 1 --topic streams-plaintext-input', code: 0 },
  { doc: S, line: 'bin/kafka-topics.sh --create --bootstrap-server localhost:9092 --replication-factor 1 --partitions 1 --topic streams-wordcount-output --config cleanup.policy=compact', code: 0 },
  { doc: S, line: 'bin/kafka-topics.sh --bootstrap-server localhost:9092 --describe', code: 0, stdout: /TOPIC streams-wordcount-output-\S+\nPARTITION[^\n]*\n0\t1\t1\t1\t0\t0\t0\n\nCONFIGS\nNAME\tVALUE\ncleanup.policy\tcompact\n/ },
  {
    doc: S,
    line: 'bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic streams-wordcount-output --from-beginning --formatter kafka.tools.DefaultMessageFormatter --property print.key=true --property print.value=true --property key.deserializer=org.apache.kafka.common.serialization.StringDeserializer --property value.deserializer=org.apache.kafka.common.serialization.LongDeserializer --max-messages 6',
    before: seedWordCounts,
    code: 0,
    stdout: 'all\t1\nstreams\t1\nlead\t1\nto\t1\nkafka\t1\nkafka\t2\n',
  },
  // A Long read as a Long only: the quickstart's input topic holds text.
  { doc: S, line: 'bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic quickstart-events --from-beginning --property value.deserializer=org.apache.kafka.common.serialization.LongDeserializer --max-messages 1', code: 1, stderr: /error: cannot decode the record at partition 0 offset 0: Size of data received by LongDeserializer is not 8/ },
  { doc: S, line: 'bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic quickstart-events --from-beginning --property value.deserializer=org.apache.kafka.common.serialization.LongDeserializer --skip-message-on-error --timeout-ms 3000', code: 0, stdout: '', stderr: /skipped the record at partition 0 offset 1: Size of data received by LongDeserializer is not 8/ },
  { doc: OPS, line: 'bin/kafka-topics.sh --bootstrap-server localhost:9092 --create --topic my_topic_name --partitions 20 --replication-factor 3 --config x=y', code: 2, stderr: /Kafka refused the request: Configuration is invalid \(INVALID_CONFIG\)/ },
  { doc: OPS, line: 'bin/kafka-topics.sh --bootstrap-server localhost:9092 --create --topic my_topic_name --partitions 20 --replication-factor 3', code: 1, stderr: /replication factor 3 is more than the 1 broker\(s\) of this cluster/ },
  { doc: OPS, line: 'bin/kafka-topics.sh --bootstrap-server localhost:9092 --create --topic my_topic_name --partitions 20 --replication-factor 1 --config max.message.bytes=64000', code: 0 },
  { doc: OPS, line: 'bin/kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic my_topic_name --partitions 40', code: 0, stderr: /partitions: 20 -> 40/ },
  // Kafka's own example key x is no topic config: kafka-configs.sh refuses it too.
  { doc: OPS, line: 'bin/kafka-configs.sh --bootstrap-server localhost:9092 --entity-type topics --entity-name my_topic_name --alter --add-config x=y', code: 1, stderr: /^error: Kafka refused the configs of topic my_topic_name-\S+: Unknown topic config name: x/ },
  { doc: OPS, line: 'bin/kafka-configs.sh --bootstrap-server localhost:9092  --entity-type topics --entity-name my_topic_name --alter --delete-config x', code: 1, stderr: /^error: 'x' is not a config of topic my_topic_name-\S+/ },
  { doc: 'kafka.apache.org/documentation/#topicconfigs', line: 'bin/kafka-configs.sh --bootstrap-server localhost:9092 --entity-type topics --entity-name my-topic --alter --add-config max.message.bytes=128000', before: () => withTestAdmin(async (a) => void (await a.createTopics({ topics: [{ topic: names['my-topic']! }], waitForLeaders: true }))), code: 0, stderr: /^topic my-topic-\S+: set max.message.bytes=128000\n$/ },
  { doc: 'kafka.apache.org/documentation/#topicconfigs', line: 'bin/kafka-configs.sh --bootstrap-server localhost:9092 --entity-type topics --entity-name my-topic --describe', code: 0, stdout: /^NAME\tVALUE\tSOURCE\tREAD-ONLY\tSENSITIVE\tSYNONYMS\nmax.message.bytes\t128000\tDYNAMIC_TOPIC_CONFIG\tfalse\tfalse\tDEFAULT_CONFIG:message.max.bytes=\d+\n$/ },
  { doc: 'kafka.apache.org/documentation/#topicconfigs', line: 'bin/kafka-configs.sh --bootstrap-server localhost:9092  --entity-type topics --entity-name my-topic --alter --delete-config max.message.bytes', code: 0, stderr: /deleted max.message.bytes/ },
  { doc: 'kafka.apache.org/documentation/#quotas', line: "bin/kafka-configs.sh  --bootstrap-server localhost:9092 --alter --add-config 'producer_byte_rate=1024,consumer_byte_rate=2048,request_percentage=200' --entity-type clients --entity-name clientA", code: 0, stderr: /client clientA-\S+: set quota request_percentage=200\n$/ },
  { doc: 'kafka.apache.org/documentation/#quotas', line: 'bin/kafka-configs.sh  --bootstrap-server localhost:9092 --describe --entity-type clients --entity-name clientA', code: 0, stdout: 'NAME\tVALUE\nconsumer_byte_rate\t2048\nproducer_byte_rate\t1024\nrequest_percentage\t200\n' },
  { doc: 'kafka.apache.org/documentation/#quotas', line: "bin/kafka-configs.sh  --bootstrap-server localhost:9092 --alter --add-config 'producer_byte_rate=1024' --entity-type users --entity-name user1 --entity-type clients --entity-name clientA", code: 1, stderr: /^error: pass one --entity-type \(quotas of a user per client id/ },
  { doc: 'kafka.apache.org/documentation/#quotas', line: 'bin/kafka-configs.sh  --bootstrap-server localhost:9092 --alter --delete-config producer_byte_rate,consumer_byte_rate,request_percentage --entity-type clients --entity-name clientA', code: 0 },
  // The docs' broker is node 0; the test broker is node 1.
  { doc: 'kafka.apache.org/documentation/#dynamicbrokerconfigs', line: 'bin/kafka-configs.sh --bootstrap-server localhost:9092 --entity-type brokers --entity-name 0 --alter --add-config log.cleaner.threads=2', code: 1, stderr: /^error: broker 0 is not in this cluster/ },
  { doc: 'kafka.apache.org/documentation/#dynamicbrokerconfigs', line: 'bin/kafka-configs.sh --bootstrap-server localhost:9092 --entity-type brokers --entity-default --describe', code: 0, stdout: /^NAME\tVALUE\tSOURCE/ },
  { doc: OPS, line: 'bin/kafka-topics.sh --bootstrap-server localhost:9092 --delete --topic my_topic_name', code: 0, stderr: /OK\s.*deleted/ },
  { doc: OPS, line: 'bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic quickstart-events --group my-group --from-beginning --max-messages 1', code: 0, stdout: 'This is my first event\n' },
  { doc: OPS, line: 'bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --list', code: 0, stdout: /^my-group-\S+$/m },
  { doc: OPS, line: 'bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group my-group', code: 0, stdout: /^TOPIC\tPARTITION\tCURRENT-OFFSET\tLOG-END-OFFSET\tLAG\tCONSUMER-ID\tHOST\tCLIENT-ID\nquickstart-events-\S+\t0\t1\t2\t1\t-\t-\t-\n/ },
  { doc: OPS, line: 'bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group my-group --members', code: 0, stdout: 'GROUP\tCONSUMER-ID\tHOST\tCLIENT-ID\t#PARTITIONS\tASSIGNMENT\n' },
  { doc: OPS, line: 'bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group my-group --members --verbose', code: 0, stdout: 'GROUP\tCONSUMER-ID\tHOST\tCLIENT-ID\t#PARTITIONS\tASSIGNMENT\n' },
  { doc: OPS, line: 'bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group my-group --state', code: 0, stdout: /^GROUP\tASSIGNMENT-STRATEGY\tSTATE\t#MEMBERS\nmy-group-\S+\t-\tEmpty\t0\n$/ },
  { doc: OPS, line: 'bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --reset-offsets --group my-group --topic quickstart-events --to-latest', code: 0, stdout: /^TOPIC\tPARTITION\tCURRENT-OFFSET\tNEW-OFFSET\nquickstart-events-\S+\t0\t1\t2\n$/, stderr: /dry run: nothing committed/ },
  { doc: OPS, line: 'bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --reset-offsets --group my-group --topic quickstart-events --shift-by -1 --export', code: 0, stdout: /^quickstart-events-\S+,0,0\n$/ },
  { doc: OPS, line: 'bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --delete-offsets --group my-group --topic quickstart-events', code: 0, stderr: /quickstart-events-\S+:0\s.*OK\s.*offset deleted/ },
  { doc: OPS, line: 'bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --delete --group my-group --group my-other-group', code: 1, stderr: /my-other-group-\S+\s.*FAILED\s.*does not exist/ },
  { doc: 'kafka-console-producer.sh --help (parse.headers)', line: "bin/kafka-console-producer.sh --bootstrap-server localhost:9092 --topic headers-test --property parse.headers=true --property parse.key=true --property key.separator=: --property null.marker=NULL", input: 'h1:v1,h2:v2\tk1:one\nh1:x\tNULL:two\n', before: () => withTestAdmin(async (a) => void (await a.createTopics({ topics: [{ topic: names['headers-test']! }], waitForLeaders: true }))), code: 0 },
  { doc: 'kafka-console-consumer.sh --help (print.*)', line: "bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic headers-test --from-beginning --property print.headers=true --property print.key=true --property print.offset=true --property key.separator=' | ' --property null.literal=- --max-messages 2", code: 0, stdout: 'Offset:0 | h1:v1,h2:v2 | k1 | one\nOffset:1 | h1:x | - | two\n' },
  // Flags Kafka's scripts have and kstream does not: refused by name, with what to use.
  { doc: 'kafka-topics.sh (before 3.0)', line: 'bin/kafka-topics.sh --zookeeper localhost:2181 --list', code: 1, stderr: /^error: kafka-topics.sh's --zookeeper is not supported by kstream \(Kafka itself removed it in 3.0; use --bootstrap-server\)\n$/ },
  { doc: 'kafka-console-consumer.sh --help', line: "bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 --include 'quickstart.*'", code: 1, stderr: /--include is not supported by kstream/ },
  { doc: 'kafka-console-consumer.sh --help', line: 'bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic quickstart-events --formatter org.apache.kafka.tools.consumer.LoggingMessageFormatter', code: 1, stderr: /--formatter org.apache.kafka.tools.consumer.LoggingMessageFormatter is not supported/ },
];

describe("Kafka's documented commands, pasted with kstream in place of bin/kafka-*.sh", () => {
  afterAll(() => withTestAdmin(async (admin) => {
    const mine = (await admin.listTopics()).filter((t) => t.endsWith(id));
    if (mine.length) await admin.deleteTopics({ topics: mine });
  }));

  let broken: string | undefined;
  for (const c of cases) {
    it(`${c.doc}: ${c.line}`, async (ctx) => {
      if (broken) ctx.skip();
      broken = c.line;
      await c.before?.();
      const r = await run(c.line, c.input);
      expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(c.code);
      if (typeof c.stdout === 'string') expect(r.stdout).toBe(c.stdout);
      else if (c.stdout) expect(r.stdout).toMatch(c.stdout);
      if (c.stderr) expect(r.stderr).toMatch(c.stderr);
      broken = undefined;
    });
  }
});
