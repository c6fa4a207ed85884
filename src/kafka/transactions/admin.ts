// kafka-transactions.sh's operations (KIP-664) over kstream's own requests: each goes where Kafka's
// Admin client sends it. ListTransactions to every broker (each coordinates some transactional ids),
// DescribeTransactions to the id's coordinator, DescribeProducers and WriteTxnMarkers to the
// partition's leader.
import { ExitCode, KstreamError, UsageError } from '../../errors.js';
import { pickVersion, sendRaw } from '../protocol/request.js';
import type { Session } from '../session.js';
import {
  describeProducersRequest, describeTransactionsRequest, listTransactionsRequest, writeTxnMarkersRequest,
  type AbortMarker, type ActiveProducer, type ListedTransaction, type PartitionProducers, type TransactionDescription,
} from './requests.js';

export type { ActiveProducer, ListedTransaction, PartitionProducers, TransactionDescription } from './requests.js';

/** kafkajs's coordinator type for transactional ids (FindCoordinator key type 1). */
const TRANSACTION_COORDINATOR = 1;

export async function listTransactions(session: Session, filter: { states?: string[]; producerIds?: string[] } = {}): Promise<ListedTransaction[]> {
  const brokers = await session.brokers();
  const answers = await Promise.all(brokers.map(async (broker) => {
    const version = pickVersion(broker, 66, 'ListTransactions', { min: 0, max: 1 });
    const res = await sendRaw(broker, listTransactionsRequest(version, { states: filter.states ?? [], producerIds: filter.producerIds ?? [] }));
    if (res.error) throw new KstreamError(`broker ${broker.nodeId} could not list its transactions: ${res.error}`, { hint: 'a broker that just started may still be loading them: try again' });
    return res.transactions;
  }));
  return answers.flat().sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
}

export async function describeTransaction(session: Session, transactionalId: string): Promise<TransactionDescription> {
  const coordinator = await session.cluster.findGroupCoordinator({ groupId: transactionalId, coordinatorType: TRANSACTION_COORDINATOR } as never);
  const version = pickVersion(coordinator, 65, 'DescribeTransactions', { min: 0, max: 0 });
  const [state] = await sendRaw(coordinator, describeTransactionsRequest(version, [transactionalId]));
  if (!state) throw new KstreamError(`the coordinator sent no state for transactional id '${transactionalId}'`);
  if (state.error === 'TRANSACTIONAL_ID_NOT_FOUND') {
    throw new KstreamError(`unknown transactional id '${transactionalId}'`, { exitCode: ExitCode.KAFKA, hint: 'see `kstream transactions list` for the ids the cluster knows' });
  }
  if (state.error) throw refusal(state.error, `transactional id '${transactionalId}'`);
  return state;
}

/** The producers with state on each partition of `topic` (all when `partitions` is empty). */
export async function describeProducers(session: Session, topic: string, partitions: number[] = []): Promise<PartitionProducers[]> {
  const byLeader = await leaders(session, topic, partitions);
  const answers = await Promise.all([...byLeader].map(async ([leader, parts]) => {
    const broker = await session.cluster.findBroker({ nodeId: leader });
    const version = pickVersion(broker, 61, 'DescribeProducers', { min: 0, max: 0 });
    return sendRaw(broker, describeProducersRequest(version, topic, parts));
  }));
  const out = answers.flat().sort((a, b) => a.partition - b.partition);
  const failed = out.find((p) => p.error);
  if (failed) throw refusal(failed.error!, `topic '${topic}' partition ${failed.partition}`);
  return out;
}

export type AbortSpec =
  | { topic: string; partition: number; producerId: string; producerEpoch: number; coordinatorEpoch: number }
  | { topic: string; partition: number; startOffset: number };

/**
 * Writes an abort marker for one producer's open transaction on one partition, as the coordinator
 * would have: the partition's last stable offset can then move past it. With a start offset, the
 * producer is the one whose open transaction begins there (DescribeProducers).
 */
export async function abortTransaction(session: Session, spec: AbortSpec): Promise<AbortMarker> {
  const marker = 'startOffset' in spec ? await markerAt(session, spec) : spec;
  const [[leader]] = [...(await leaders(session, spec.topic, [spec.partition]))];
  const broker = await session.cluster.findBroker({ nodeId: leader! });
  const version = pickVersion(broker, 27, 'WriteTxnMarkers', { min: 1, max: 1 });
  const { error } = await sendRaw(broker, writeTxnMarkersRequest(version, marker));
  if (error) throw refusal(error, `topic '${spec.topic}' partition ${spec.partition}`);
  return marker;
}

async function markerAt(session: Session, spec: { topic: string; partition: number; startOffset: number }): Promise<AbortMarker> {
  const [state] = await describeProducers(session, spec.topic, [spec.partition]);
  const producer = state?.producers.find((p) => p.currentTxnStartOffset === spec.startOffset);
  if (!producer) {
    const open = (state?.producers ?? []).filter((p) => p.currentTxnStartOffset >= 0).map((p) => p.currentTxnStartOffset);
    throw new UsageError(`no open transaction starts at offset ${spec.startOffset} of topic '${spec.topic}' partition ${spec.partition}`, {
      hint: open.length ? `open transactions there start at ${open.join(', ')}` : 'that partition has no open transaction: see `kstream transactions describe-producers`',
    });
  }
  return { topic: spec.topic, partition: spec.partition, producerId: producer.producerId, producerEpoch: producer.producerEpoch,
    // -1 until a marker was written: the broker then takes 0, as kafka-transactions.sh sends.
    coordinatorEpoch: Math.max(0, producer.coordinatorEpoch) };
}

/** The leader of each asked-for partition (every partition when none is asked for), grouped by leader. */
async function leaders(session: Session, topic: string, partitions: number[]): Promise<Map<number, number[]>> {
  try {
    await session.cluster.addTargetTopic(topic);
  } catch (err) {
    if ((err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') throw unknownTopic(topic);
    throw err;
  }
  const meta = session.cluster.findTopicPartitionMetadata(topic);
  if (meta.length === 0) throw unknownTopic(topic);
  const wanted = partitions.length ? partitions : meta.map((m) => m.partitionId);
  const out = new Map<number, number[]>();
  for (const p of wanted) {
    const leader = meta.find((m) => m.partitionId === p)?.leader;
    if (leader === undefined) throw new UsageError(`topic '${topic}' has no partition ${p}`, { hint: `it has partitions 0 to ${meta.length - 1}` });
    if (leader === null || leader < 0) throw new KstreamError(`topic '${topic}' partition ${p} has no leader right now`, { hint: 'wait for the cluster to elect one, then try again' });
    out.set(leader, [...(out.get(leader) ?? []), p]);
  }
  return out;
}

const unknownTopic = (topic: string) => new KstreamError(`topic '${topic}' does not exist`, { hint: 'see `kstream topics list`' });

/** A Kafka error name from a raw answer as a one-line error: authorization failures named as such. */
function refusal(error: string, what: string): KstreamError {
  if (/AUTHORIZATION_FAILED$/.test(error)) {
    return new KstreamError(`not authorized for ${what} (${error})`, { hint: 'ask for an ACL that allows it, or connect as a user that has one' });
  }
  return new KstreamError(`Kafka refused the request for ${what}: ${error}`);
}
