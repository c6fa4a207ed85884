import { loadKafkajs } from '../kafkajs.js';

/** The partitions in a consumer-protocol member assignment; none if it does not decode. */
export async function decodeAssignment(memberAssignment: Buffer): Promise<Array<{ topic: string; partitions: number[] }>> {
  if (memberAssignment.length === 0) return [];
  const { AssignerProtocol } = await loadKafkajs();
  try {
    const assigned = AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment ?? {};
    return Object.entries(assigned).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
  } catch {
    return [];
  }
}
