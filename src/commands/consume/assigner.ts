import { loadKafkajs, type Assigner, type PartitionAssigner } from '../../kafkajs.js';

/**
 * A partition assigner that gives exactly `partitions` of `topic` to the first member.
 * kafkajs has no manual assignment; a private, one-member group with this assigner is the same thing.
 */
export async function fixedAssigner(topic: string, partitions: number[]): Promise<PartitionAssigner> {
  const { AssignerProtocol } = await loadKafkajs();
  return (): Assigner => ({
    name: 'KstreamFixedAssigner',
    version: 0,
    async assign({ members }) {
      return members.map((m, i) => ({
        memberId: m.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: i === 0 ? { [topic]: partitions } : {},
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
