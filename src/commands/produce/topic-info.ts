import type { KafkaAdmin } from '../../kafka/admin/index.js';
import { UsageError } from '../../errors.js';
import { refuseIfHidden } from '../../kafka/topic.js';
import type { ProduceOptions } from './options.js';

/** Kafka's default max.message.bytes, used if the topic's cannot be read. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export interface TopicInfo {
  partitions: number;
  maxMessageBytes: number;
}

/** Checks (or creates, with --create-topic) the topic and reads what the sender must respect. */
export async function prepareTopic(admin: KafkaAdmin, opts: ProduceOptions, info: (line: string) => void, timeoutMs: number): Promise<TopicInfo> {
  if (!(await admin.listTopics()).includes(opts.topic)) {
    if (!opts.createTopic) {
      await refuseIfHidden(admin, opts.topic);
      throw new UsageError(`topic '${opts.topic}' does not exist`, {
        hint: `create it with \`kstream topics create ${opts.topic}\`, or pass --create-topic`,
      });
    }
    await admin.createTopic({ name: opts.topic, partitions: opts.partitions }, timeoutMs);
    info(`created topic '${opts.topic}'`);
  }
  return checked(await describeTopic(admin, opts.topic), opts);
}

/** What the producer read of an existing topic (BatchProducer.probeTopic), as the sender needs it. */
export function probedTopic(found: { partitions: number; maxMessageBytes?: number }, opts: ProduceOptions): TopicInfo {
  return checked({ partitions: found.partitions, maxMessageBytes: found.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES }, opts);
}

function checked(topic: TopicInfo, opts: ProduceOptions): TopicInfo {
  if (opts.partition !== undefined && opts.partition >= topic.partitions) {
    throw new UsageError(`--partition ${opts.partition} does not exist: topic '${opts.topic}' has ${topic.partitions} (0-${topic.partitions - 1})`);
  }
  return topic;
}

async function describeTopic(admin: KafkaAdmin, topic: string): Promise<TopicInfo> {
  const [[info], configs] = await Promise.all([
    admin.describeTopics([topic]),
    // Reading configs may be denied where writing is allowed: then assume Kafka's default.
    admin.describeConfigs({ type: 'topics', name: topic }, ['max.message.bytes']).catch(() => undefined),
  ]);
  const entry = configs?.find((e) => e.name === 'max.message.bytes');
  return { partitions: info!.partitions.length, maxMessageBytes: Number(entry?.value ?? DEFAULT_MAX_MESSAGE_BYTES) };
}
