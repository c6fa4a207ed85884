import { describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopics, withTestAdmin } from '../helpers/kafka.js';
import { bySortKey, produceRecords, readCommittedRecords } from '../helpers/copy.js';
import { ConfigResourceTypes } from '../../src/kafka/kafkajs.js';
// Kafka's ConfigSource code of a value set on the topic itself (DYNAMIC_TOPIC_CONFIG).
const TOPIC_CONFIG_SOURCE = 1;

async function topicConfigs(topic: string): Promise<Record<string, string>> {
  const { resources } = await withTestAdmin((a) => a.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false }));
  return Object.fromEntries(resources[0]!.configEntries.filter((e) => (e as { configSource?: number }).configSource === TOPIC_CONFIG_SOURCE).map((e) => [e.configName, e.configValue]));
}

const partitions = async (topic: string) => (await withTestAdmin((a) => a.fetchTopicMetadata({ topics: [topic] }))).topics[0]!.partitions.length;

describe('kstream topics clone', () => {
  it('creates the destination with the partitions and topic configs of the source, and --with-data copies its records', async () => {
    const [src, empty, full] = [uniqueName('clone-src'), uniqueName('clone-empty'), uniqueName('clone-full')];
    await createTestTopics([src], 3, { configs: { 'retention.ms': '123456789', 'cleanup.policy': 'compact,delete', 'max.message.bytes': '200000' } });
    const now = Math.floor(Date.now() / 1000) * 1000;
    const input = Array.from({ length: 30 }, (_, i) => ({ partition: (i * 2) % 3, key: `k${i}`, value: `v${String(i).padStart(3, '0')}`, timestamp: now - 60_000 + i, headers: { n: String(i) } }));
    await produceRecords(brokers(), src, input);

    const r = await runCli(['topics', 'clone', src, empty]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`created like ${src}: 3 partitions, replication 1, cleanup.policy=compact,delete, max.message.bytes=200000, retention.ms=123456789`);
    expect(await partitions(empty)).toBe(3);
    expect(await topicConfigs(empty)).toEqual(await topicConfigs(src));
    expect(readCommittedRecords(brokers(), empty)).toEqual([]);

    const d = await runCli(['topics', 'clone', src, full, '--with-data']);
    expect(d.code, d.stderr).toBe(0);
    expect(await topicConfigs(full)).toEqual({ 'retention.ms': '123456789', 'cleanup.policy': 'compact,delete', 'max.message.bytes': '200000' });
    expect(readCommittedRecords(brokers(), full).sort(bySortKey)).toEqual(input);
  });

  it('refuses an existing destination and an unknown source, in one line each', async () => {
    const [src, taken] = [uniqueName('clone-src'), uniqueName('clone-taken')];
    await createTestTopics([src, taken], 1);
    const r = await runCli(['topics', 'clone', src, taken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: topic '${taken}': already exists`, 'm'));
    const missing = uniqueName('clone-missing');
    const m = await runCli(['topics', 'clone', missing, uniqueName('clone-new')]);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(new RegExp(`^error: topic '${missing}' does not exist`, 'm'));
  });
});
