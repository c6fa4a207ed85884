import type { Admin } from '../../kafkajs.js';
import { ConfigResourceTypes } from '../../kafkajs.js';
import { UsageError } from '../../errors.js';
import { refuseIfHidden, waitForLeaders } from '../../topic.js';
import type { ProduceOptions } from './options.js';

/** Kafka's default max.message.bytes, used if the topic's cannot be read. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export interface TopicInfo {
  partitions: number;
  maxMessageBytes: number;
}

/** Checks (or creates, with --create-topic) the topic and reads what the sender must respect. */
export async function prepareTopic(admin: Admin, opts: ProduceOptions, info: (line: string) => void, timeoutMs: number): Promise<TopicInfo> {
  if (!(await admin.listTopics()).includes(opts.topic)) {
    if (!opts.createTopic) {
      await refuseIfHidden(admin, opts.topic);
      throw new UsageError(`topic '${opts.topic}' does not exist`, {
        hint: `create it with \`kstream topics create ${opts.topic}\`, or pass --create-topic`,
      });
    }
    await admin.createTopics({ topics: [{ topic: opts.topic, numPartitions: opts.partitions }], waitForLeaders: false });
    await waitForLeaders(admin, opts.topic, timeoutMs);
    info(`created topic '${opts.topic}'`);
  }
  const topic = await describeTopic(admin, opts.topic);
  if (opts.partition !== undefined && opts.partition >= topic.partitions) {
    throw new UsageError(`--partition ${opts.partition} does not exist: topic '${opts.topic}' has ${topic.partitions} (0-${topic.partitions - 1})`);
  }
  return topic;
}

async function describeTopic(admin: Admin, topic: string): Promise<TopicInfo> {
  const resource = { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] };
  const [{ topics }, configs] = await Promise.all([
    admin.fetchTopicMetadata({ topics: [topic] }),
    // Reading configs may be denied where writing is allowed: then assume Kafka's default.
    admin.describeConfigs({ resources: [resource], includeSynonyms: false }).catch(() => undefined),
  ]);
  const entry = configs?.resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes');
  return { partitions: topics[0]!.partitions.length, maxMessageBytes: Number(entry?.configValue ?? DEFAULT_MAX_MESSAGE_BYTES) };
}
