import { createTestTopics } from './kafka.js';

/** Creates a topic with `numPartitions` partitions and waits for its leaders. */
export const createTestTopic = (topic: string, numPartitions: number): Promise<void> => createTestTopics([topic], numPartitions);
