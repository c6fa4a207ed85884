// Kafka's OffsetDelete request (API key 47, KIP-496), which kafkajs does not implement: it removes
// a group's committed offsets for some partitions, as `kafka-consumer-groups.sh --delete-offsets`
// does. Sent with kafkajs's own cluster, encoder and decoder, to the group's coordinator.
import type { KafkajsCluster } from './cluster.js';
import { errorCodes, KafkajsDecoderClass as DecoderClass, KafkajsEncoderClass as EncoderClass, type KafkajsDecoder as Decoder, type KafkajsEncoder as Encoder } from './kafkajs-internal.js';

const API_KEY = 47;

export interface PartitionResult {
  topic: string;
  partition: number;
  /** Kafka's error name, e.g. GROUP_SUBSCRIBED_TO_TOPIC; undefined when deleted. */
  error?: string;
}

export interface OffsetDeleteResult {
  /** A group-level error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP…), when the whole request failed. */
  error?: string;
  partitions: PartitionResult[];
}

function request(groupId: string, topics: Map<string, number[]>) {
  const errorName = (code: number) => (code === 0 ? undefined : errorCodes.find((e) => e.code === code)?.type ?? `error ${code}`);
  return {
    request: {
      apiKey: API_KEY,
      apiVersion: 0,
      apiName: 'OffsetDelete',
      encode: async () =>
        new EncoderClass().writeString(groupId).writeArray(
          [...topics].map(([name, partitions]) =>
            new EncoderClass().writeString(name).writeArray(partitions.map((p) => new EncoderClass().writeInt32(p)))),
        ),
    },
    response: {
      decode: async (raw: Buffer): Promise<OffsetDeleteResult> => {
        const d = new DecoderClass(raw);
        const error = errorName(d.readInt16());
        d.readInt32(); // throttle time
        const partitions = d.readArray((t) => {
          const topic = t.readString();
          return t.readArray((p) => ({ topic, partition: p.readInt32(), error: errorName(p.readInt16()) }));
        }).flat();
        return { error, partitions };
      },
      // kafkajs throws on errors in parse; here every error is reported per partition instead.
      parse: async (data: OffsetDeleteResult) => data,
    },
  };
}

/** Sent to the group's coordinator over `cluster` (connected by the caller). */
export async function deleteOffsets(cluster: KafkajsCluster, groupId: string, topics: Map<string, number[]>): Promise<OffsetDeleteResult> {
  const coordinator = await cluster.findGroupCoordinator({ groupId });
  return (await coordinator.connectionPool.send(request(groupId, topics))) as OffsetDeleteResult;
}
