// kstream's handle on one cluster: what commands hold and hand to the layer's factories (KafkaAdmin,
// GroupConsumer, MessageProducer, the batch and transactional producers, the fetch loop). Which
// client library is behind it, and its instance, stay inside src/kafka.
import type { Connection } from './connection.js';
import type { Kafka } from './kafkajs.js';

export interface KafkaClient {
  /** The settings it was made with (brokers, --timeout, TLS, SASL). */
  readonly conn: Connection;
}

interface Internals {
  kafka: Kafka;
  /** The last error the client logged, which says why a deadline passed (see `unreachable`). */
  lastError: () => Error | undefined;
}

const internals = new WeakMap<KafkaClient, Internals>();

/** Wraps a kafkajs instance made by `createKafka`. */
export function wrapClient(conn: Connection, kafka: Kafka, lastError: () => Error | undefined): KafkaClient {
  const client: KafkaClient = { conn };
  internals.set(client, { kafka, lastError });
  return client;
}

/** The kafkajs instance behind `client`: for src/kafka only. */
export function kafkajsOf(client: KafkaClient): Kafka {
  const found = internals.get(client);
  if (!found) throw new TypeError('not a client made by createKafka');
  return found.kafka;
}

export function lastErrorOf(client: KafkaClient): Error | undefined {
  return internals.get(client)?.lastError();
}
