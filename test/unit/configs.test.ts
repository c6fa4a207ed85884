// kstream configs: the entity flags, kafka-configs.sh's --add-config lists, Kafka's refusals,
// and the DescribeConfigs / IncrementalAlterConfigs bytes, checked against the protocol's schema.
import { describe, expect, it } from 'vitest';
import { translateKafkaArgs } from '../../src/compat/index.js';
import { refusal } from '../../src/commands/configs/configs.js';
import { configChanges, parseAddConfig, parseDeleteConfig, selectEntity } from '../../src/commands/configs/entity.js';
import { alterTopic } from '../../src/commands/topics/alter.js';
import { ExitCode, KstreamError } from '../../src/errors.js';
import type { KafkaAdmin } from '../../src/kafka/admin/index.js';
import { describeConfigsRequest, incrementalAlterConfigsRequest } from '../../src/kafka/admin/configs.js';
import { alterClientQuotasRequest, describeClientQuotasRequest } from '../../src/kafka/admin/quotas.js';
import { KafkaRequestError } from '../../src/kafka/errors.js';
import type { ConfigChange, ConfigEntry, ConfigResource } from '../../src/kafka/types.js';
import { Reader, Writer } from '../../src/kafka/protocol/wire.js';

const t = (line: string) => translateKafkaArgs(line.split(' ')).args.join(' ');

describe('configs entity flags', () => {
  it.each([
    [{ topic: ['orders'] }, { type: 'topics', names: ['orders'] }],
    [{ entityType: 'topics', entityName: ['a', 'b'] }, { type: 'topics', names: ['a', 'b'] }],
    [{ entityType: 'topic', entityName: ['a'] }, { type: 'topics', names: ['a'] }],
    [{ broker: ['1'] }, { type: 'brokers', names: ['1'] }],
    [{ brokerDefaults: true }, { type: 'brokers', names: [''] }],
    [{ entityType: 'brokers', entityDefault: true }, { type: 'brokers', names: [''] }],
    [{ entityType: 'brokers' }, { type: 'brokers', names: [] }],
    [{ group: ['g'] }, { type: 'groups', names: ['g'] }],
    [{ brokerLogger: ['1'] }, { type: 'broker-loggers', names: ['1'] }],
    [{ entityType: 'clients', entityName: ['c'] }, { type: 'clients', names: ['c'] }],
    [{ client: ['c'] }, { type: 'clients', names: ['c'] }],
    [{ user: ['alice'] }, { type: 'users', names: ['alice'] }],
    [{ entityType: 'ips', entityDefault: true }, { type: 'ips', names: [''] }],
  ])('%j → %j', (flags, want) => expect(selectEntity(flags)).toEqual(want));

  it.each([
    [{}, /name what to configure/],
    [{ topic: ['a'], broker: ['1'] }, /pass one kind of entity, not --topic and --broker/],
    [{ entityType: 'topics', topic: ['a'] }, /not --entity-type and --topic/],
    [{ entityType: 'tables' }, /unknown --entity-type 'tables'/],
    [{ entityType: 'topics', entityDefault: true }, /--entity-default is for brokers and quotas/],
    [{ client: ['c'], topic: ['t'] }, /not --topic and --client/],
  ])('%j is refused', (flags, message) => expect(() => selectEntity(flags)).toThrow(message));
});

describe('--add-config and --delete-config', () => {
  it('splits at top-level commas and unwraps [list] values, as kafka-configs.sh does', () => {
    expect(parseAddConfig(['k1=v1,k2=[a,b,c],k3=v3', 'k4=x=y'])).toEqual([['k1', 'v1'], ['k2', 'a,b,c'], ['k3', 'v3'], ['k4', 'x=y']]);
    expect(parseAddConfig(['cleanup.policy=[compact,delete]'])).toEqual([['cleanup.policy', 'compact,delete']]);
    expect(parseAddConfig(undefined)).toEqual([]);
  });

  it('refuses what is not KEY=VALUE, and an open bracket', () => {
    expect(() => parseAddConfig(['retention.ms'])).toThrow(/expects KEY=VALUE, got 'retention.ms'/);
    expect(() => parseAddConfig(['=1'])).toThrow(/expects KEY=VALUE/);
    expect(() => parseAddConfig(['k=[a,b'])).toThrow(/unclosed '\['/);
  });

  it('deletes first, and refuses a key both set and deleted, twice set, or no change at all', () => {
    expect(parseDeleteConfig(['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(configChanges([['x', '1']], ['y'])).toEqual([{ op: 'delete', name: 'y' }, { op: 'set', name: 'x', value: '1' }]);
    expect(() => configChanges([['x', '1']], ['x'])).toThrow(/'x' is both added and deleted/);
    expect(() => configChanges([['x', '1'], ['x', '2']], [])).toThrow(/given twice/);
    expect(() => configChanges([], [])).toThrow(/nothing to change/);
  });
});

describe('kafka-configs.sh command lines', () => {
  it.each([
    ['configs --bootstrap-server b:9092 --entity-type topics --entity-name t --describe', 'configs describe --bootstrap-server b:9092 --entity-type topics --entity-name t'],
    ['configs --entity-type topics --entity-name t --alter --add-config a=1,b=[x,y]', 'configs alter --entity-type topics --entity-name t --add-config a=1,b=[x,y]'],
    ['configs --entity-type brokers --entity-default --alter --delete-config a --force', 'configs alter --entity-type brokers --entity-default --delete-config a'],
    ['configs --describe --all --broker 1', 'configs describe --all --broker 1'],
    ['configs describe --topic t', 'configs describe --topic t'],
    ['-b h:1 configs alter --broker 2 --add-config a=1', 'configs -b h:1 alter --broker 2 --add-config a=1'],
  ])('%s', (line, want) => expect(t(line)).toBe(want));

  it('refuses what kstream does not do, by name', () => {
    expect(() => t('configs --zookeeper z:2181 --describe --topic t')).toThrow(/kafka-configs.sh's --zookeeper is not supported/);
    expect(() => t('configs --alter --topic t --add-config-file f.properties')).toThrow(/--add-config-file is not supported/);
    expect(() => t('configs --alter --describe --topic t')).toThrow(/pass one action/);
    expect(() => t('configs --topic t')).toThrow(/^say what to do with the configs$/);
  });
});

describe("Kafka's refusals of configs", () => {
  const topic: ConfigResource = { type: 'topics', name: 'orders' };
  const group: ConfigResource = { type: 'groups', name: 'g' };
  const as = (code: string, message: string, r: ConfigResource = topic) => refusal(new KafkaRequestError(code, message), r) as KstreamError;

  it('an unknown topic or a bad key is a usage error, in one line', () => {
    expect(as('UNKNOWN_TOPIC_OR_PARTITION', 'x')).toMatchObject({ exitCode: ExitCode.USAGE, message: "topic 'orders' does not exist" });
    expect(as('INVALID_CONFIG', 'Unknown topic config name: no.such')).toMatchObject({ exitCode: ExitCode.USAGE, message: 'Kafka refused the configs of topic orders: Unknown topic config name: no.such' });
    expect(as('INVALID_REQUEST', 'Cannot update these configs dynamically: Set(log.dirs)').exitCode).toBe(ExitCode.USAGE);
  });

  it('a resource type the broker lacks says it is unsupported, exit 2', () => {
    expect(as('INVALID_REQUEST', 'Unknown resource type 32', group)).toMatchObject({ exitCode: ExitCode.KAFKA, message: 'this broker does not support configs of groups: Unknown resource type 32' });
    const generic = 'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker.';
    expect(as('INVALID_REQUEST', generic, group).message).toBe('this broker does not support configs of groups: it refused the request as invalid');
  });

  it('not authorized names the resource', () => {
    expect(as('TOPIC_AUTHORIZATION_FAILED', 'x').message).toBe('not authorized to change or read the configs of topic orders (TOPIC_AUTHORIZATION_FAILED)');
  });
});

describe('IncrementalAlterConfigs and DescribeConfigs on the wire', () => {
  const changes: ConfigChange[] = [{ op: 'delete', name: 'a' }, { op: 'set', name: 'b', value: '1' }];

  it('encodes IncrementalAlterConfigs v1 (flexible) as the schema lays it out', () => {
    const req = incrementalAlterConfigsRequest({ type: 'topics', name: 't' }, changes, 1);
    const w = new Writer();
    req.encode(w);
    expect(req).toMatchObject({ apiKey: 44, apiVersion: 1, flexible: true });
    // resources[1]: type 2, name "t", configs[2]: ("a", DELETE, null), ("b", SET, "1"); validate_only false.
    expect([...w.toBuffer()]).toEqual([2, 2, 2, 0x74, 3, 2, 0x61, 1, 0, 0, 2, 0x62, 0, 2, 0x31, 0, 0, 0, 0]);
  });

  it('encodes v0 with INT16 strings and INT32 array lengths', () => {
    const w = new Writer();
    incrementalAlterConfigsRequest({ type: 'brokers', name: '1' }, [{ op: 'set', name: 'k', value: 'v' }], 0).encode(w);
    expect([...w.toBuffer()]).toEqual([0, 0, 0, 1, 4, 0, 1, 0x31, 0, 0, 0, 1, 0, 1, 0x6b, 0, 0, 1, 0x76, 0]);
  });

  it('reads a per-resource error of IncrementalAlterConfigs by its name', () => {
    const body = new Writer().int32(0).compactArray([1], (w) => w.int16(40).compactString('Unknown topic config name: x').int8(2).compactString('t').tags()).tags();
    expect(incrementalAlterConfigsRequest({ type: 'topics', name: 't' }, changes, 1).decode(new Reader(body.toBuffer()))).toEqual({
      error: { code: 'INVALID_CONFIG', message: 'Unknown topic config name: x' },
    });
  });

  it('reads DescribeConfigs v4 entries with source and synonyms, and v2 without documentation', () => {
    const v4 = new Writer().int32(0).compactArray([1], (w) => w.int16(0).compactString(null).int8(2).compactString('t')
      .compactArray([1], (e) => e.compactString('retention.ms').compactString('1000').bool(false).int8(1).bool(false)
        .compactArray([1, 2], (s, i) => s.compactString(i === 1 ? 'retention.ms' : 'log.retention.ms').compactString(i === 1 ? '1000' : null).int8(i === 1 ? 1 : 5).tags())
        .int8(5).compactString(null).tags())
      .tags()).tags();
    const want: ConfigEntry = {
      name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG', readOnly: false, sensitive: false,
      synonyms: [{ name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG' }, { name: 'log.retention.ms', value: null, source: 'DEFAULT_CONFIG' }],
    };
    expect(describeConfigsRequest({ type: 'topics', name: 't' }, 4).decode(new Reader(v4.toBuffer()))).toEqual({ error: undefined, entries: [want] });
    const v2 = new Writer().int32(0).array([1], (w) => w.int16(0).string(null).int8(4).string('1')
      .array([1], (e) => e.string('secret').string(null).bool(true).int8(4).bool(true).array([], () => undefined))).toBuffer();
    expect(describeConfigsRequest({ type: 'brokers', name: '1' }, 2).decode(new Reader(v2)).entries).toEqual([
      { name: 'secret', value: null, source: 'STATIC_BROKER_CONFIG', readOnly: true, sensitive: true, synonyms: [] },
    ]);
  });

  it('asks for synonyms, for group resources by type 32, all keys as a null array', () => {
    const w = new Writer();
    describeConfigsRequest({ type: 'groups', name: 'g' }, 4).encode(w);
    // resources[1]: type 32, "g", keys null; include_synonyms true, include_documentation false.
    expect([...w.toBuffer()]).toEqual([2, 32, 2, 0x67, 0, 0, 1, 0, 0]);
  });
});

describe('client quotas on the wire', () => {
  it('encodes DescribeClientQuotas v1 for one exact entity, and the default entity by match type 1', () => {
    const exact = new Writer();
    describeClientQuotasRequest({ type: 'client-id', name: 'a' }).encode(exact);
    // components[1]: "client-id", EXACT (0), "a"; strict true.
    expect([...exact.toBuffer()]).toEqual([2, 10, ...Buffer.from('client-id'), 0, 2, 0x61, 0, 1, 0]);
    const dflt = new Writer();
    describeClientQuotasRequest({ type: 'user', name: null }).encode(dflt);
    expect([...dflt.toBuffer()]).toEqual([2, 5, ...Buffer.from('user'), 1, 0, 0, 1, 0]);
  });

  it('encodes AlterClientQuotas v1: a set as a double, a delete with remove=true', () => {
    const w = new Writer();
    alterClientQuotasRequest({ type: 'ip', name: '1.2.3.4' }, [{ op: 'set', key: 'k', value: 1.5 }, { op: 'delete', key: 'd' }]).encode(w);
    const ip = [...Buffer.from('ip')];
    const addr = [...Buffer.from('1.2.3.4')];
    const onePointFive = [...Buffer.from([0x3f, 0xf8, 0, 0, 0, 0, 0, 0])];
    expect([...w.toBuffer()]).toEqual([2, 2, 3, ...ip, 8, ...addr, 0, 3, 2, 0x6b, ...onePointFive, 0, 0, 2, 0x64, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('reads DescribeClientQuotas values and an error by name', () => {
    const ok = new Writer().int32(0).int16(0).compactString(null)
      .compactArray([1], (w) => w.compactArray([1], (e) => e.compactString('client-id').compactString('a').tags())
        .compactArray(['producer_byte_rate', 'consumer_byte_rate'], (v, key) => v.compactString(key).float64(1024).tags()).tags())
      .tags().toBuffer();
    expect(describeClientQuotasRequest({ type: 'client-id', name: 'a' }).decode(new Reader(ok))).toEqual({
      error: undefined, values: [{ key: 'consumer_byte_rate', value: 1024 }, { key: 'producer_byte_rate', value: 1024 }],
    });
    const bad = new Writer().int32(0).int16(42).compactString('Invalid configuration key x').compactArray(null, () => undefined).tags().toBuffer();
    expect(describeClientQuotasRequest({ type: 'client-id', name: 'a' }).decode(new Reader(bad)).error).toEqual({ code: 'INVALID_REQUEST', message: 'Invalid configuration key x' });
  });
});

describe('topics alter --config', () => {
  it('sends only the changes, never the configs it read (no read-modify-write)', async () => {
    const sent: ConfigChange[][] = [];
    const entries: ConfigEntry[] = [
      { name: 'retention.ms', value: '5', source: 'DYNAMIC_TOPIC_CONFIG', readOnly: false, sensitive: false, synonyms: [] },
      { name: 'segment.ms', value: '7', source: 'DYNAMIC_TOPIC_CONFIG', readOnly: false, sensitive: false, synonyms: [] },
      { name: 'cleanup.policy', value: 'delete', source: 'DEFAULT_CONFIG', readOnly: false, sensitive: false, synonyms: [] },
    ];
    const admin = {
      listTopics: async () => ['t'],
      describeConfigs: async () => entries,
      alterConfigs: async (_: unknown, changes: ConfigChange[]) => void sent.push(changes),
    } as unknown as KafkaAdmin;
    const lines = await alterTopic(admin, { topic: 't', set: [['cleanup.policy', 'compact']], remove: ['retention.ms'] });
    expect(sent).toEqual([[{ op: 'delete', name: 'retention.ms' }, { op: 'set', name: 'cleanup.policy', value: 'compact' }]]);
    expect(lines).toEqual(['retention.ms: removed (back to default)', 'cleanup.policy: (default) -> compact']);
  });
});
