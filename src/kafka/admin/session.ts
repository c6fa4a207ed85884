// One connection for the admin commands that need both the layer's KafkaAdmin and requests
// kstream sends itself (DescribeCluster, reassignments, ElectLeaders, DeleteRecords): one kafkajs
// client, so the same TLS, SASL, timeouts and errors, and one place that maps failures and disconnects.
import type { Io } from '../../context.js';
import { createCluster, type KafkajsBroker, type KafkajsCluster } from '../cluster.js';
import { createKafka, unreachable, withDeadline, type Connection } from '../connection.js';
import { fromKafkaError } from '../errors.js';
import type { KafkaClient } from '../client.js';
import { KafkaAdmin } from './index.js';

export interface AdminSession {
  admin: KafkaAdmin;
  conn: Connection;
  /** The controller (in KRaft, any broker, which forwards): where admin requests go. */
  controller(): Promise<KafkajsBroker>;
  /** Internal to src/kafka: the raw cluster and client. */
  cluster: KafkajsCluster;
  kafka: KafkaClient;
}

export async function withAdminSession<T>(conn: Connection, io: Pick<Io, 'stderr'>, fn: (s: AdminSession) => Promise<T>): Promise<T> {
  let lastError: Error | undefined;
  const kafka = await createKafka(conn, io, (err) => (lastError = err));
  const admin = await KafkaAdmin.on(kafka);
  const cluster = createCluster(kafka);
  const controller = async () => {
    await cluster.refreshMetadata();
    return cluster.findControllerBroker();
  };
  try {
    await withDeadline(cluster.connect(), conn.timeoutMs, () => unreachable(conn, lastError));
    return await fn({ admin, conn, controller, cluster, kafka });
  } catch (err) {
    throw fromKafkaError(err, conn.brokers);
  } finally {
    await Promise.all([admin.close(), cluster.disconnect().catch(() => undefined)]);
  }
}
