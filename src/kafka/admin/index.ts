// The admin side of the Kafka layer: one factory (`openAdmin`) from kstream's connection settings,
// and typed operations in kstream's own types (src/kafka/types.ts). Commands never see kafkajs:
// each workaround for it lives here once, with why.
import type { Io } from '../../context.js';
import { UsageError } from '../../errors.js';
import { createCluster, type KafkajsBroker, type KafkajsCluster } from '../cluster.js';
import { kafkajsOf, lastErrorOf, type KafkaClient } from '../client.js';
import { createKafka, unreachable, withDeadline, type Connection } from '../connection.js';
import { fromKafkaError, KafkaRequestError } from '../errors.js';
import { loadKafkajs, type Admin } from '../kafkajs.js';
import { deleteOffsets, type OffsetDeleteResult } from '../offset-delete.js';
import { pickVersion, sendRaw } from '../protocol/request.js';
import { waitForLeaders } from '../topic.js';
import {
  toOffset, type ClusterInfo, type CommittedOffsets, type ConfigChange, type ConfigEntry, type ConfigResource,
  type GroupDescription, type GroupListing, type GroupOffset, type NewTopic, type Offset, type TopicInfo, type TopicPartition, type Watermarks,
} from '../types.js';
import {
  brokerFor, DESCRIBE_CONFIGS, describeConfigsRequest, INCREMENTAL_ALTER_CONFIGS, incrementalAlterConfigsRequest,
} from './configs.js';
import { decodeAssignment } from './groups.js';
import { createAcls, deleteAcls, describeAcls, type AclBinding, type AclFilter } from '../security/acls.js';
import {
  ALTER_CLIENT_QUOTAS, alterClientQuotasRequest, DESCRIBE_CLIENT_QUOTAS, describeClientQuotasRequest,
  type QuotaChange, type QuotaEntity, type QuotaValue,
} from './quotas.js';

export interface AdminOptions {
  /** How long connecting may take; default the connection's --timeout. */
  timeoutMs?: number;
}

/** A connected admin client. Every call's failure is already a KstreamError (one error mapping). */
export class KafkaAdmin {
  private cluster?: Promise<KafkajsCluster>;

  private constructor(
    private readonly conn: Connection,
    private readonly kafka: KafkaClient,
    private readonly admin: Admin,
  ) {}

  /** Connects within `opts.timeoutMs` (default --timeout); close it after use, or use `withAdmin`. */
  static async open(conn: Connection, io: Pick<Io, 'stderr'>, opts: AdminOptions = {}): Promise<KafkaAdmin> {
    return KafkaAdmin.on(await createKafka(conn, io, () => undefined), opts);
  }

  /** An admin client on a client made by `createKafka` (the producer's, say), with its connection settings. */
  static async on(client: KafkaClient, opts: AdminOptions = {}): Promise<KafkaAdmin> {
    const { conn } = client;
    const admin = kafkajsOf(client).admin();
    try {
      await withDeadline(admin.connect(), opts.timeoutMs ?? conn.timeoutMs, () => unreachable(conn, lastErrorOf(client)));
    } catch (err) {
      await admin.disconnect().catch(() => undefined);
      throw fromKafkaError(err, conn.brokers);
    }
    return new KafkaAdmin(conn, client, admin);
  }

  /** The connection's --timeout, the bound of every wait an operation makes. */
  get timeoutMs(): number {
    return this.conn.timeoutMs;
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
    if (this.cluster) await (await this.cluster.catch(() => undefined))?.disconnect().catch(() => undefined);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw fromKafkaError(err, this.conn.brokers);
    }
  }

  // Topics

  listTopics(): Promise<string[]> {
    return this.call(() => this.admin.listTopics());
  }

  async describeTopics(names: string[]): Promise<TopicInfo[]> {
    if (names.length === 0) return [];
    const { topics } = await this.call(() => this.admin.fetchTopicMetadata({ topics: names }));
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, offline: p.offlineReplicas ?? [] }))
        .sort((a, b) => a.partition - b.partition),
    }));
  }

  /**
   * Creates one topic and waits until each partition has a leader; false if it already existed.
   * kafkajs's own `waitForLeaders` gives up at once on a busy broker (see topic.ts), so it is off.
   */
  async createTopic(topic: NewTopic, waitMs = Math.max(this.conn.timeoutMs, 30_000)): Promise<boolean> {
    const created = await this.call(() => this.admin.createTopics({
      topics: [{
        topic: topic.name,
        numPartitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        configEntries: (topic.configs ?? []).map(([name, value]) => ({ name, value })),
      }],
      waitForLeaders: false,
    }));
    if (created) await this.call(() => waitForLeaders(this.admin, topic.name, waitMs));
    return created;
  }

  deleteTopic(name: string): Promise<void> {
    return this.call(() => this.admin.deleteTopics({ topics: [name] }).then(() => undefined));
  }

  createPartitions(topic: string, count: number): Promise<void> {
    return this.call(() => this.admin.createPartitions({ topicPartitions: [{ topic, count }] }).then(() => undefined));
  }

  /** The low and high watermark of every partition of `topic`, by partition. The one copy. */
  async watermarks(topic: string): Promise<Watermarks[]> {
    const offsets = await this.call(() => this.admin.fetchTopicOffsets(topic));
    return offsets
      .map((o) => ({ partition: o.partition, low: toOffset(o.low), high: toOffset(o.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** Per partition, the first offset whose timestamp is at or after `timestamp` (the high watermark if none). */
  async offsetsByTime(topic: string, timestamp: number): Promise<Map<number, Offset>> {
    const offsets = await this.call(() => this.admin.fetchTopicOffsetsByTimestamp(topic, timestamp));
    return new Map(offsets.map((o) => [o.partition, toOffset(o.offset)]));
  }

  // Cluster

  async describeCluster(): Promise<ClusterInfo> {
    const c = await this.call(() => this.admin.describeCluster());
    return { clusterId: c.clusterId, controller: c.controller, brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })) };
  }

  // Groups

  async listGroups(): Promise<GroupListing[]> {
    const { groups } = await this.call(() => this.admin.listGroups());
    return groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })).sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /** A group Kafka does not know comes back in state Dead, as Kafka answers. */
  async describeGroups(ids: string[]): Promise<GroupDescription[]> {
    if (ids.length === 0) return [];
    const { groups } = await this.call(() => this.admin.describeGroups(ids));
    const out: GroupDescription[] = [];
    for (const g of groups) {
      const members = [];
      for (const m of g.members) {
        const assignment = g.protocolType === 'consumer' ? await decodeAssignment(m.memberAssignment) : [];
        members.push({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost.replace(/^\//, ''), assignment });
      }
      out.push({ groupId: g.groupId, state: g.state, protocolType: g.protocolType, protocol: g.protocol, members });
    }
    return out;
  }

  async describeGroup(id: string): Promise<GroupDescription> {
    return (await this.describeGroups([id]))[0]!;
  }

  /** Throws KafkaRequestError GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP when Kafka refuses. */
  deleteGroup(id: string): Promise<void> {
    return this.call(() => this.admin.deleteGroups([id]).then(() => undefined));
  }

  /** `topics` omitted: every topic the group has committed offsets for. */
  async committedOffsets(groupId: string, topics?: string[]): Promise<CommittedOffsets> {
    const committed: CommittedOffsets = new Map();
    for (const o of await this.groupOffsets(groupId, topics)) {
      let byPartition = committed.get(o.topic);
      if (!byPartition) committed.set(o.topic, (byPartition = new Map()));
      byPartition.set(o.partition, o.offset);
    }
    return committed;
  }

  /** The committed offsets with their metadata, in Kafka's order; partitions without a commit are left out. */
  async groupOffsets(groupId: string, topics?: string[]): Promise<GroupOffset[]> {
    const result = await this.call(() => this.admin.fetchOffsets(topics ? { groupId, topics } : { groupId }));
    // Kafka answers -1 for a partition the group never committed.
    return result.flatMap(({ topic, partitions }) => partitions
      .filter((p) => Number(p.offset) >= 0)
      .map((p) => ({ topic, partition: p.partition, offset: toOffset(p.offset), metadata: p.metadata ?? null })));
  }

  /** Commits offsets for an empty group. kafkajs commits one topic per call (it briefly joins the group to do so). */
  async commitOffsets(groupId: string, offsets: Array<TopicPartition & { offset: Offset }>): Promise<void> {
    for (const topic of new Set(offsets.map((o) => o.topic))) {
      const partitions = offsets.filter((o) => o.topic === topic).map((o) => ({ partition: o.partition, offset: String(o.offset) }));
      await this.call(() => this.admin.setOffsets({ groupId, topic, partitions }));
    }
  }

  /** OffsetDelete (KIP-496), which kafkajs lacks: errors come back per partition, not thrown. */
  deleteCommittedOffsets(groupId: string, topics: Map<string, number[]>): Promise<OffsetDeleteResult> {
    return this.call(async () => deleteOffsets(await this.rawCluster(), groupId, topics));
  }

  // Configs

  /**
   * A resource's configs with their source and synonyms; `names` only those. Throws
   * KafkaRequestError with Kafka's code (UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST…).
   */
  async describeConfigs(resource: ConfigResource, names?: string[]): Promise<ConfigEntry[]> {
    const broker = await this.brokerFor(resource);
    const version = pickVersion(broker, DESCRIBE_CONFIGS.apiKey, DESCRIBE_CONFIGS.apiName, DESCRIBE_CONFIGS);
    const result = await this.call(() => sendRaw(broker, describeConfigsRequest(resource, version, names)));
    if (result.error) throw new KafkaRequestError(result.error.code, result.error.message);
    return result.entries.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Sets and deletes configs of one resource in one IncrementalAlterConfigs: the broker applies
   * each change to the current configs, so a concurrent change of another key is kept.
   */
  async alterConfigs(resource: ConfigResource, changes: ConfigChange[], opts: { validateOnly?: boolean } = {}): Promise<void> {
    const broker = await this.brokerFor(resource);
    const version = pickVersion(broker, INCREMENTAL_ALTER_CONFIGS.apiKey, INCREMENTAL_ALTER_CONFIGS.apiName, INCREMENTAL_ALTER_CONFIGS);
    const { error } = await this.call(() => sendRaw(broker, incrementalAlterConfigsRequest(resource, changes, version, opts.validateOnly)));
    if (error) throw new KafkaRequestError(error.code, error.message);
  }

  // ACLs (src/kafka/security/acls.ts)

  describeAcls(filter: AclFilter): Promise<AclBinding[]> {
    return this.call(() => describeAcls(this.admin, filter));
  }

  createAcls(acls: AclBinding[]): Promise<void> {
    return this.call(() => createAcls(this.admin, acls));
  }

  /** Deletes every ACL matching one of `filters`; returns the ACLs deleted. */
  deleteAcls(filters: AclFilter[]): Promise<AclBinding[]> {
    return this.call(() => deleteAcls(this.admin, filters));
  }

  // Quotas (not configs: KIP-546)

  /** The quotas set on exactly this client id, user or ip (name null: the default entity). */
  async describeQuotas(entity: QuotaEntity): Promise<QuotaValue[]> {
    const broker = await this.call(async () => (await this.rawCluster()).findControllerBroker());
    pickVersion(broker, DESCRIBE_CLIENT_QUOTAS.apiKey, DESCRIBE_CLIENT_QUOTAS.apiName, DESCRIBE_CLIENT_QUOTAS);
    const result = await this.call(() => sendRaw(broker, describeClientQuotasRequest(entity)));
    if (result.error) throw new KafkaRequestError(result.error.code, result.error.message);
    return result.values;
  }

  async alterQuotas(entity: QuotaEntity, changes: QuotaChange[]): Promise<void> {
    const broker = await this.call(async () => (await this.rawCluster()).findControllerBroker());
    pickVersion(broker, ALTER_CLIENT_QUOTAS.apiKey, ALTER_CLIENT_QUOTAS.apiName, ALTER_CLIENT_QUOTAS);
    const { error } = await this.call(() => sendRaw(broker, alterClientQuotasRequest(entity, changes)));
    if (error) throw new KafkaRequestError(error.code, error.message);
  }

  // Raw requests

  /** kafkajs's cluster, for requests kstream encodes itself; connected on first use. */
  private rawCluster(): Promise<KafkajsCluster> {
    this.cluster ??= (async () => {
      const cluster = createCluster(this.kafka);
      // findControllerBroker and findBroker read the metadata; connect alone does not load it.
      await withDeadline(cluster.connect().then(() => cluster.refreshMetadata()), this.conn.timeoutMs, () => unreachable(this.conn));
      return cluster;
    })();
    return this.cluster;
  }

  private async brokerFor(resource: ConfigResource): Promise<KafkajsBroker> {
    const cluster = await this.rawCluster();
    const nodeId = brokerFor(resource);
    if (nodeId === undefined) return this.call(() => cluster.findControllerBroker());
    if (!Number.isInteger(nodeId) || nodeId < 0) {
      throw new UsageError(`'${resource.name}' is not a broker id`, { hint: 'use the numeric node id, e.g. --entity-name 1; see `kstream local status`' });
    }
    try {
      return await cluster.findBroker({ nodeId });
    } catch {
      throw new UsageError(`broker ${nodeId} is not in this cluster`, { hint: 'use the node id of a running broker' });
    }
  }
}

/** Opens an admin client for `conn`; the one factory every command uses. */
export function openAdmin(conn: Connection, io: Pick<Io, 'stderr'>, opts: AdminOptions = {}): Promise<KafkaAdmin> {
  return KafkaAdmin.open(conn, io, opts);
}

/** Opens an admin client, runs `fn`, and always closes it. */
export async function withAdmin<T>(conn: Connection, io: Pick<Io, 'stderr'>, fn: (admin: KafkaAdmin) => Promise<T>, opts: AdminOptions = {}): Promise<T> {
  const admin = await openAdmin(conn, io, opts);
  try {
    return await fn(admin);
  } catch (err) {
    throw fromKafkaError(err, conn.brokers);
  } finally {
    await admin.close();
  }
}

/** Opens an admin client on `client` (one a command made already), runs `fn`, and always closes it. */
export async function withAdminOn<T>(client: KafkaClient, fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = await KafkaAdmin.on(client);
  try {
    return await fn(admin);
  } catch (err) {
    throw fromKafkaError(err, client.conn.brokers);
  } finally {
    await admin.close();
  }
}

/**
 * How many brokers the cluster at `address` lists, 0 while it does not answer; for `local start`,
 * which polls a starting broker: no retries, a short connect, no logs.
 */
export async function probeBrokerCount(address: string, connectTimeoutMs = 1000): Promise<number> {
  const { Kafka, logLevel } = await loadKafkajs();
  const kafka = new Kafka({ brokers: [address], clientId: 'kstream-local', logLevel: logLevel.NOTHING, connectionTimeout: connectTimeoutMs, retry: { retries: 0 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } catch {
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
