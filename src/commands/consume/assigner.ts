import { loadKafkajs, type Assigner, type PartitionAssigner } from '../../kafka/kafkajs.js';

/**
 * A partition assigner that gives exactly `partitions` of `topic` to every member.
 * kafkajs has no manual assignment; a private group with this assigner is the same thing. Its only
 * other member can be this process's own previous member, left behind when kafkajs restarted the
 * consumer after an error and not yet expired: giving it the partitions too costs nothing.
 */
export async function fixedAssigner(topic: string, partitions: number[]): Promise<PartitionAssigner> {
  const { AssignerProtocol } = await loadKafkajs();
  return (): Assigner => ({
    name: 'KstreamFixedAssigner',
    version: 0,
    async assign({ members }) {
      return members.map((m) => ({
        memberId: m.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: { [topic]: partitions },
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: 'KstreamFixedAssigner',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}
