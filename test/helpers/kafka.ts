import { loadKafkajs, type Admin, type KafkaClient } from '../../src/kafkajs.js';
import { brokers } from './cli.js';

/** A kafkajs client on the test broker, for setting up and checking state around CLI runs. */
export async function testKafka(): Promise<KafkaClient> {
  const { Kafka, logLevel } = await loadKafkajs();
  return new Kafka({ brokers: brokers().split(','), clientId: 'kstream-test', logLevel: logLevel.NOTHING });
}

export async function withTestAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = (await testKafka()).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}
