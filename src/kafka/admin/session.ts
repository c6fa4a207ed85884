// One connection for the admin commands that need both kafkajs's admin client and requests
// kstream sends itself (DescribeCluster, reassignments, ElectLeaders): the same client, so the
// same TLS, SASL, timeouts and errors, and one place that maps failures and disconnects.
import type { Admin, KafkaClient } from '../../kafkajs.js';
import type { Io } from '../../context.js';
import { createKafka, unreachable, withDeadline, type Connection } from '../../connection.js';
import { fromKafkaError } from '../../kafka-errors.js';
import { createCluster, type KafkajsCluster } from '../cluster.js';

export interface AdminSession {
  admin: Admin;
  cluster: KafkajsCluster;
  kafka: KafkaClient;
  conn: Connection;
}

export async function withAdminSession<T>(conn: Connection, io: Pick<Io, 'stderr'>, fn: (s: AdminSession) => Promise<T>): Promise<T> {
  let lastError: Error | undefined;
  const kafka = await createKafka(conn, io, (err) => (lastError = err));
  const admin = kafka.admin();
  const cluster = createCluster(kafka);
  try {
    await withDeadline(Promise.all([admin.connect(), cluster.connect()]), conn.timeoutMs, () => unreachable(conn, lastError));
    return await fn({ admin, cluster, kafka, conn });
  } catch (err) {
    throw fromKafkaError(err, conn.brokers);
  } finally {
    await Promise.all([admin.disconnect().catch(() => undefined), cluster.disconnect().catch(() => undefined)]);
  }
}
