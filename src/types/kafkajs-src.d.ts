// kafkajs's internal modules (kafkajs/src/...) have no type declarations: src/kafka/kafkajs-internal.ts
// gives each export its type.
declare module 'kafkajs/src/protocol/error.js' { const m: unknown; export default m; }
declare module 'kafkajs/src/errors.js' { const m: unknown; export default m; }
declare module 'kafkajs/src/protocol/encoder.js' { const m: unknown; export default m; }
declare module 'kafkajs/src/protocol/decoder.js' { const m: unknown; export default m; }
declare module 'kafkajs/src/producer/sendMessages.js' { const m: unknown; export default m; }
declare module 'kafkajs/src/protocol/recordBatch/v0/decoder.js' { const m: unknown; export default m; }
