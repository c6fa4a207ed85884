// kstream's own Kafka types: what commands see of the cluster. Nothing here names kafkajs, so a
// command never depends on the client library's shapes.

/**
 * An offset or watermark. Kafka's are int64; kstream keeps them as JavaScript numbers, exact up to
 * 2^53 (9·10^15: a partition written at a million records a second reaches it after 285 years).
 * The data path (src/kafka/fetch, src/kafka/produce) uses numbers already, JSON output prints them
 * as numbers as Kafka's own tools do, and lag is plain subtraction. The layer converts kafkajs's
 * strings with `toOffset`, which refuses a value past 2^53 rather than round it.
 */
export type Offset = number;

export function toOffset(value: string | number | bigint): Offset {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`offset ${String(value)} is beyond what kstream can represent exactly`);
  return n;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** The one key for a topic-partition in maps and sets: `topic:partition` (a topic name has no ':'). */
export type TopicPartitionKey = `${string}:${number}`;

export function tpKey(topic: string, partition: number): TopicPartitionKey {
  return `${topic}:${partition}`;
}

export interface Watermarks {
  partition: number;
  /** The log start offset: the first record still kept. */
  low: Offset;
  /** The log end offset (high watermark): the offset the next record will get. */
  high: Offset;
}

/** A group's committed offset of one partition, with the metadata string committed with it. */
export interface GroupOffset extends TopicPartition {
  offset: Offset;
  metadata: string | null;
}

/** Committed offsets by topic, then partition; partitions without a commit are left out. */
export type CommittedOffsets = Map<string, Map<number, Offset>>;

export interface PartitionInfo {
  partition: number;
  /** -1: no leader (offline). */
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
}

export interface TopicInfo {
  name: string;
  partitions: PartitionInfo[];
}

export interface NewTopic {
  name: string;
  /** undefined: the broker's num.partitions. */
  partitions?: number;
  /** undefined: the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Array<[string, string]>;
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
}

export interface ClusterInfo {
  clusterId: string;
  controller: number | null;
  brokers: BrokerInfo[];
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  /** The client's host, without the leading '/' Kafka puts there. */
  host: string;
  /** The partitions a consumer-protocol member was given; empty for other protocols (e.g. Connect). */
  assignment: Array<{ topic: string; partitions: number[] }>;
}

export interface GroupDescription {
  groupId: string;
  /** Stable, Empty, PreparingRebalance…; Dead for a group Kafka does not know. */
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMember[];
}

/** The resources configs belong to, by kafka-configs.sh's --entity-type names. */
export type ConfigResourceType = 'topics' | 'brokers' | 'broker-loggers' | 'groups' | 'client-metrics';

export interface ConfigResource {
  type: ConfigResourceType;
  /** A topic, a broker id, a group id; '' for the cluster-wide broker default. */
  name: string;
}

/** Where a config's value comes from (Kafka's ConfigSource), by the names kafka-configs.sh prints. */
export type ConfigSource =
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'DYNAMIC_CLIENT_METRICS_CONFIG'
  | 'DYNAMIC_GROUP_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'UNKNOWN';

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: ConfigSource;
}

export interface ConfigEntry {
  name: string;
  /** null for a sensitive value (Kafka never sends it) or one not set. */
  value: string | null;
  source: ConfigSource;
  readOnly: boolean;
  sensitive: boolean;
  /** The values it would fall back to, most specific first (asked for with `synonyms`). */
  synonyms: ConfigSynonym[];
}

/** One change of IncrementalAlterConfigs: set a value, or delete it (back to the next synonym). */
export type ConfigChange = { op: 'set'; name: string; value: string } | { op: 'delete'; name: string };

/** A per-item outcome of an admin request that Kafka answers item by item. */
export interface ItemError {
  /** Kafka's error name, e.g. TOPIC_ALREADY_EXISTS. */
  code: string;
  message: string;
}

/** Header values: bytes, or text (sent as UTF-8); a list repeats the header. */
export type RecordHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

/**
 * A record a group consumer fetched. Its offset and timestamp are Kafka's int64 in decimal, as the
 * fetch decoder makes them (src/kafka/fetch/kafkajs-decoder.ts): no conversion per record, exact at
 * any size. Every offset the group consumer takes or gives is such a string (see group/consumer.ts).
 */
export interface FetchedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Absent in records of the old (pre-0.11) message format. */
  headers?: RecordHeaders;
  attributes: number;
}

/** The records of one partition from one fetch. */
export interface FetchedBatch extends TopicPartition {
  records: FetchedRecord[];
  highWatermark: string;
  /** The offset of the last record fetched, transaction markers and aborted records included. */
  lastOffset: string;
}

/** A record to send: the partition and timestamp are chosen by the producer when left out. */
export interface OutgoingRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeaders;
  partition?: number;
  /** Epoch milliseconds in decimal. */
  timestamp?: string;
}
