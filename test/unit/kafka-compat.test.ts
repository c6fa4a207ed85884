// Kafka's script forms and kcat's flags, turned into kstream's own command lines (src/compat/).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translateKafkaArgs } from '../../src/compat/index.js';
import { parseProperties } from '../../src/compat/client-properties.js';

const t = (line: string) => translateKafkaArgs(line.split(' ')).args.join(' ');
const dir = mkdtempSync(join(tmpdir(), 'kstream-compat-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('kafka-topics.sh', () => {
  it.each([
    ['topics --create --topic news --bootstrap-server b:1', 'topics create news --bootstrap-server b:1'],
    ['topics --bootstrap-server b:1 --create --topic news --partitions 3 --replication-factor 1 --config a=1 --config b=2', 'topics create news --bootstrap-server b:1 --partitions 3 --replication-factor 1 --config a=1 --config b=2'],
    ['topics --create --if-not-exists --topic news', 'topics create news --if-not-exists'],
    ['topics --list', 'topics list --internal'],
    ['topics --list --exclude-internal', 'topics list'],
    ['topics --describe', 'topics describe --internal'],
    ['topics --describe --topic news', 'topics describe news --internal'],
    ['topics --delete --topic news --if-exists', 'topics delete news --if-exists --yes'],
    ['topics --alter --topic news --partitions 4', 'topics alter news --partitions 4'],
    ['-b b:1 topics --list', 'topics list -b b:1 --internal'],
    ['topics create --topic news', 'topics create news'],
    ['topics create news -p 3', 'topics create news -p 3'],
  ])('%s', (line, expected) => expect(t(line)).toBe(expected));

  it.each([
    ['topics --create --list', /pass one action, not --create and --list/],
    ['topics --create', /--create needs --topic NAME/],
    ['topics --zookeeper z:2181 --list', /kafka-topics.sh's --zookeeper is not supported by kstream/],
    ['topics --create --topic a --replica-assignment 1:2', /--replica-assignment is not supported/],
  ])('refuses %s', (line, message) => expect(() => t(line)).toThrow(message));
});

describe('kafka-console-producer.sh and kcat -P', () => {
  it.each([
    ['produce --topic news --bootstrap-server b:1', 'produce news --bootstrap-server b:1'],
    ['produce --broker-list b:1 --topic news', 'produce news --bootstrap-server=b:1'],
    ['produce --topic news --request-required-acks -1', 'produce news --acks=all'],
    ['produce --topic news --compression-codec', 'produce news --compression=gzip'],
    ['produce --topic news --compression-codec lz4 --sync', 'produce news --compression=lz4'],
    ['produce --topic news --reader-property parse.key=true', 'produce news --property parse.key=true'],
    ['produce --topic news --producer-property acks=1', 'produce news --acks=1'],
    ['produce -P -t news -K : -Z -T', 'produce news -K : --null-value= --tee'],
    ['produce -P -t news -l data.txt', 'produce news --file data.txt'],
  ])('%s', (line, expected) => expect(t(line)).toBe(expected));

  it('reads --producer.config', () => {
    const path = file('p.properties', 'acks=0\ncompression.type=zstd\n');
    expect(t(`produce --topic news --producer.config ${path}`)).toBe('produce news --acks=0 --compression=zstd');
  });

  it('notes the tuning it ignores', () => {
    const r = translateKafkaArgs(['produce', '--topic', 'n', '--batch-size', '100', '--producer-property', 'linger.ms=5']);
    expect(r.notes).toEqual(['kstream ignores --batch-size: it sets its own batching and timeouts', "kstream ignores producer property 'linger.ms': it sets its own batching and timeouts"]);
  });

  it('refuses kcat pack-str deserializers', () => expect(() => t('consume -C -t n -s value=>q')).toThrow(/kcat -s value=>q is not supported/));
  it('refuses kcat files without -l', () => expect(() => t('produce -P -t news data.txt')).toThrow(/kcat without -l sends each file as one message/));
  it('refuses another line reader', () => expect(() => t('produce --topic n --line-reader com.example.Reader')).toThrow(/--line-reader com.example.Reader is not supported/));
});

describe('kafka-console-consumer.sh and kcat -C', () => {
  it.each([
    ['consume --topic news --from-beginning', 'consume news --from-beginning --isolation-level=read_uncommitted'],
    ['consume --topic news --isolation-level read_committed', 'consume news --isolation-level read_committed'],
    ['consume --topic news --formatter-property print.key=true --property print.value=false', 'consume news --property print.value=false --property print.key=true --isolation-level=read_uncommitted'],
    ['consume --topic news --consumer-property group.id=g --consumer-property auto.offset.reset=earliest', 'consume news --group=g --from-beginning --isolation-level=read_uncommitted'],
    ['consume --topic news --value-deserializer org.apache.kafka.common.serialization.LongDeserializer', 'consume news --property value.deserializer=org.apache.kafka.common.serialization.LongDeserializer --isolation-level=read_uncommitted'],
    ['consume -C -t news', 'consume news --from-beginning'],
    ['consume -C -t news -s value=avro -r http://sr:8081 -e', 'consume news -e --schema-registry http://sr:8081 --value-format avro --from-beginning'],
    ['consume -C -t news -s avro -r http://sr:8081', 'consume news --schema-registry http://sr:8081 --value-format avro --key-format avro --from-beginning'],
    ['consume -C -t news -o end -e', 'consume news -e --offset=end'],
    ['consume -C -t news -o -5 -e', 'consume news -e --offset=-5'],
    ['consume -t news -o s@1000 -o e@2000', 'consume news --offset=@1000 --until @2000'],
    ['consume -t news -o json -e', 'consume news -e --output json --from-beginning'],
    ['consume -t news -p 1 -c 3 -u', 'consume news --partition 1 --max-messages=3 --from-beginning'],
    ['consume -t news -K : -e', 'consume news -e --format %k:%s\\n --from-beginning'],
    ['consume -t news -f %s\\n', 'consume news --format %s\\n --from-beginning'],
    ['consume -t news -J -g grp -o stored', 'consume news -J -g grp'],
    ['consume news -o json', 'consume news --output json'],
    ['consume --include a.* --from-beginning', 'consume --include a.* --from-beginning'],
    ['consume --whitelist a.* -e', 'consume -e --include a.*'],
  ])('%s', (line, expected) => expect(t(line)).toBe(expected));

  it.each([
    ['consume --topic a --formatter kafka.tools.LoggingMessageFormatter', /--formatter kafka.tools.LoggingMessageFormatter is not supported/],
    ['consume -t a -o stored', /-o stored reads the offsets a group committed: pass -g GROUP/],
    ['consume --topic a --consumer-property auto.offset.reset=none', /auto.offset.reset=none is not supported/],
  ])('refuses %s', (line, message) => expect(() => t(line)).toThrow(message));
});

describe('kafka-consumer-groups.sh', () => {
  it.each([
    ['groups --list', 'groups list'],
    ['groups --list --state', 'groups list --state'],
    ['groups --describe --group g', 'groups describe g'],
    ['groups --describe --group g --members --verbose', 'groups describe g --members'],
    ['groups --describe --all-groups --state', 'groups describe --all-groups --state'],
    ['groups --delete --group a --group b', 'groups delete a b --yes'],
    ['groups --reset-offsets --group g --topic t --to-earliest --dry-run', 'groups reset-offsets g --topic t --to-earliest'],
    ['groups --reset-offsets --group g --all-topics --by-duration PT1H --execute', 'groups reset-offsets g --all-topics --by-duration PT1H --execute'],
    ['groups --delete-offsets --group g --topic t', 'groups delete-offsets g --topic t'],
    ['groups describe --group g', 'groups describe g'],
  ])('%s', (line, expected) => expect(t(line)).toBe(expected));

  it.each([
    ['groups --describe', /--describe needs --group GROUP or --all-groups/],
    ['groups --reset-offsets --group a --group b --topic t --to-earliest', /takes one --group/],
    ['groups --list --describe', /pass one action/],
  ])('refuses %s', (line, message) => expect(() => t(line)).toThrow(message));
});

describe('--command-config and -X', () => {
  it('turns SASL and PEM settings into kstream flags', () => {
    const path = file('client.properties', [
      '# a Java client config',
      'security.protocol=SASL_SSL',
      'sasl.mechanism=SCRAM-SHA-512',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\',
      '    username="alice" password="s3 cr=t";',
      'ssl.truststore.type=PEM',
      'ssl.truststore.location=/etc/ca.pem',
    ].join('\n'));
    expect(translateKafkaArgs(['topics', '--list', '--command-config', path]).args).toEqual([
      'topics', 'list', '--tls', '--sasl-mechanism=scram-sha-512', '--sasl-username=alice', '--sasl-password=s3 cr=t', '--tls-ca=/etc/ca.pem', '--internal',
    ]);
  });

  it('lets a flag on the command line win over the file', () => {
    const path = file('plain.properties', 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=bob password=pw;\n');
    expect(t(`groups --list --sasl-username carol --command-config ${path}`)).toBe('groups list --sasl-username carol --sasl-mechanism=plain --sasl-password=pw');
  });

  it('refuses JKS with how to convert', () => {
    const path = file('jks.properties', 'security.protocol=SSL\nssl.truststore.location=/etc/kafka.truststore.jks\n');
    expect(() => t(`topics --list --command-config ${path}`)).toThrow(/JKS trust stores \(\/etc\/kafka.truststore.jks\) are not supported/);
    try {
      t(`topics --list --command-config ${path}`);
    } catch (err) {
      expect((err as { hint?: string }).hint).toMatch(/keytool -exportcert -rfc/);
    }
  });

  it.each([
    ['sasl.mechanism=GSSAPI\nsecurity.protocol=SASL_PLAINTEXT\n', /sasl.mechanism=GSSAPI is not supported/],
    ['security.protocol=SASL_PLAINTEXT\nsasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required;\n', /login module kstream does not support/],
    ['sasl.kerberos.service.name=kafka\n', /'sasl.kerberos.service.name' is a security setting kstream does not support/],
    ['security.protocol=SSL\nssl.key.password=x\n', /encrypted keys are not supported/],
  ])('refuses %j', (text, message) => expect(() => t(`topics --list --command-config ${file('bad.properties', text)}`)).toThrow(message));

  it('names a missing file', () => expect(() => t('topics --list --command-config /no/such.properties')).toThrow('cannot read --command-config /no/such.properties: no such file'));

  it("takes kcat's librdkafka -X settings", () =>
    expect(t('consume -t a -X security.protocol=sasl_ssl -X sasl.mechanisms=PLAIN -X sasl.username=u -X sasl.password=p -X ssl.ca.location=ca.pem'))
      .toBe('consume a --tls --sasl-mechanism=plain --sasl-username=u --sasl-password=p --tls-ca=ca.pem --from-beginning'));
});

describe('Java .properties files', () => {
  it('reads separators, comments, continuations and escapes', () =>
    expect(parseProperties('a=1\nb : 2\nc 3\n! note\n# note\nd=x\\\n  y\ne=\\u0041\\t\n')).toEqual([['a', '1'], ['b', '2'], ['c', '3'], ['d', 'xy'], ['e', 'A\t']]));
});
