import { describe, expect, it } from 'vitest';
import { wrapClient } from '../../src/kafka/client.js';
import type { Connection } from '../../src/kafka/connection.js';
import type { Kafka } from '../../src/kafka/kafkajs.js';
import { MessageProducer } from '../../src/kafka/message-producer.js';

const refused = () => Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9'), { name: 'KafkaJSConnectionError' });

/** A client whose kafkajs producers fail their connect with the errors given, in turn, then connect. */
function clientFailing(errors: Error[], timeoutMs = 5_000) {
  const made: Array<{ connected: boolean; disconnected: boolean }> = [];
  const kafka = {
    producer: () => {
      const p = { connected: false, disconnected: false };
      made.push(p);
      return {
        connect: async () => {
          const err = errors.shift();
          if (err) throw err;
          p.connected = true;
        },
        disconnect: async () => void (p.disconnected = true),
      };
    },
  } as unknown as Kafka;
  return { client: wrapClient({ timeoutMs } as Connection, kafka, () => undefined), made };
}

describe('MessageProducer.connect', () => {
  it('tries again with a new producer while the connection is refused (a dead controller in the metadata)', async () => {
    const { client, made } = clientFailing([refused(), refused()]);
    await new MessageProducer(client).connect();
    expect(made.map((p) => [p.connected, p.disconnected])).toEqual([[false, true], [false, true], [true, false]]);
  });

  it('throws any other error at once', async () => {
    const fenced = Object.assign(new Error('fenced'), { name: 'KafkaJSProtocolError' });
    const { client, made } = clientFailing([fenced, refused()]);
    await expect(new MessageProducer(client).connect()).rejects.toBe(fenced);
    expect(made).toHaveLength(1);
  });

  it('gives up with the refusal once --timeout has passed', async () => {
    const errors = Array.from({ length: 50 }, refused);
    const { client, made } = clientFailing(errors, 700);
    await expect(new MessageProducer(client).connect()).rejects.toThrow(/ECONNREFUSED/);
    expect(made.length).toBeGreaterThan(1);
    expect(made.length).toBeLessThan(5);
  });
});
