// kafkajs is CommonJS (Node cannot see its named exports from ESM) and takes ~100 ms to load,
// so it is loaded on first use rather than at startup; `kstream --help` never pays for it.
import type * as KafkaJs from 'kafkajs';
import { installRecordBatchDecoder } from './fetch/kafkajs-decoder.js';
import { installSettledRetry } from './settled-retry.js';
import { checkKafkajsModuleHooks } from './module-hooks.js';

let loading: Promise<typeof KafkaJs> | undefined;

export function loadKafkajs(): Promise<typeof KafkaJs> {
  // Before kafkajs loads its producer, which keeps a reference to the module it patches.
  installSettledRetry();
  // Before kafkajs loads its fetch decoders, which keep a reference to the module this replaces.
  installRecordBatchDecoder();
  loading ??= (async () => {
    // The replaced modules loaded now (kafkajs loads its decoder only at the first fetch), so that
    // a replacement missing from the bundle fails every command at once, not a consumer silently.
    await Promise.all([import('kafkajs/src/producer/sendMessages.js'), import('kafkajs/src/protocol/recordBatch/v0/decoder.js')]);
    const m = await import('kafkajs');
    checkKafkajsModuleHooks();
    return (m as unknown as { default: typeof KafkaJs }).default;
  })();
  return loading;
}

/** Kafka's resource type codes (the values of kafkajs's ConfigResourceTypes). */
export const ConfigResourceTypes = { TOPIC: 2, GROUP: 3, BROKER: 4 } as const;

// For src/kafka (and the tests' own set-up) only: commands see the layer's types.
export type {
  Admin, Consumer, ConsumerConfig, Producer, LogEntry, EachBatchPayload, IHeaders, Transaction, SASLOptions, Kafka,
} from 'kafkajs';
