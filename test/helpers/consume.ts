import { withTestAdmin } from './kafka.js';

/**
 * Creates a topic and waits for its leaders. Right after the test broker starts (or while it creates
 * __consumer_offsets under load) the first metadata answers can fail; try again rather than flake.
 */
export async function createTestTopic(topic: string, numPartitions: number): Promise<void> {
  await withTestAdmin(async (admin) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
        await admin.fetchTopicOffsets(topic);
        return;
      } catch (err) {
        if (attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  });
}
