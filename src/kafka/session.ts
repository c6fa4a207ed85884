// A kafkajs cluster (metadata, broker connections) for the requests kstream sends itself, opened
// with the connection's settings and deadline, and closed after one function has run.
import type { Io } from '../context.js';
import { createKafka, unreachable, withDeadline, type Connection } from './connection.js';
import { fromKafkaError } from './errors.js';
import { createCluster, type KafkajsBroker, type KafkajsCluster } from './cluster.js';

export interface Session {
  cluster: KafkajsCluster;
  /** Every broker the metadata lists. */
  brokers(): Promise<KafkajsBroker[]>;
  /** Any one broker: for requests every broker answers alike (or forwards to the controller). */
  anyBroker(): Promise<KafkajsBroker>;
}

export async function withSession<T>(conn: Connection, io: Pick<Io, 'stderr'>, fn: (s: Session) => Promise<T>): Promise<T> {
  let lastError: Error | undefined;
  const kafka = await createKafka(conn, io, (err) => (lastError = err));
  const cluster = createCluster(kafka);
  const brokers = async () => {
    await cluster.refreshMetadata();
    const ids = (cluster as unknown as { getNodeIds(): Array<number | string> }).getNodeIds();
    return Promise.all(ids.map((nodeId) => cluster.findBroker({ nodeId })));
  };
  try {
    await withDeadline(cluster.connect(), conn.timeoutMs, () => unreachable(conn, lastError));
    return await fn({ cluster, brokers, anyBroker: async () => (await brokers())[0]! });
  } catch (err) {
    throw fromKafkaError(err, conn.brokers);
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}
