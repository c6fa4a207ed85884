import { ConnectionError, InternalError, KstreamError, ExitCode } from '../errors.js';
import { NOT_KAFKA_CODE } from './socket.js';

/** The fields kafkajs puts on its errors; all optional because any of them may be absent. */
interface KafkaJsErrorShape extends Error {
  type?: string;
  code?: string | number;
  retriable?: boolean;
  originalError?: unknown;
  errors?: unknown[];
  broker?: string;
  topic?: string;
}

/**
 * Kafka refused a request with an error code: `code` is Kafka's name for it
 * (TOPIC_ALREADY_EXISTS, NON_EMPTY_GROUP…), so a command decides what it means by that name alone.
 */
export class KafkaRequestError extends KstreamError {
  readonly code: string;
  constructor(code: string, message: string, opts: { cause?: unknown; hint?: string } = {}) {
    super(message, { exitCode: ExitCode.KAFKA, ...opts });
    this.name = 'KafkaRequestError';
    this.code = code;
  }
}

/**
 * Kafka's error name in whatever kafkajs threw, wherever kafkajs put it: on the error (`type`), on
 * the innermost cause of its retry wrappers, or on the first item of a batch (see batchMember).
 */
export function kafkaCode(err: unknown): string | undefined {
  if (err instanceof KafkaRequestError) return err.code;
  const e = batchMember(rootCause(err)) as KafkaJsErrorShape | undefined;
  return e && typeof e === 'object' ? e.type : undefined;
}

/** The client marked the failure as worth retrying (a leader moving, a coordinator loading). */
export function isRetriable(err: unknown): boolean {
  return (batchMember(rootCause(err)) as KafkaJsErrorShape | undefined)?.retriable === true;
}

/** The errors this module made from a failure of the Kafka client (and `unreachable`'s). */
const fromClient = new WeakSet<object>();

/**
 * The Kafka client failed (a broker gone, a request refused or timed out, a fenced transaction), as
 * opposed to kstream's own code, a transform or a database: what a reconnect may cure. True for the
 * client's own errors and for the KstreamErrors this layer made of them; not for a KstreamError a
 * command wrapped around one (that one already decided what the failure means).
 */
export function isKafkaFailure(err: unknown): boolean {
  return isClientError(err) || (typeof err === 'object' && err !== null && fromClient.has(err));
}

/** For src/kafka: `err` stands for a failure to reach or use the cluster (see isKafkaFailure). */
export function markKafkaFailure<E extends Error>(err: E): E {
  fromClient.add(err);
  return err;
}

function isClientError(err: unknown): boolean {
  return (err as Error | undefined)?.name?.startsWith?.('KafkaJS') ?? false;
}

/** Another producer initialised this transactional id (a newer run of the same work), so this one is fenced. */
export function isFenced(err: unknown): boolean {
  const root = rootCause(err) as KafkaJsErrorShape | undefined;
  return root?.type === 'INVALID_PRODUCER_EPOCH' || root?.type === 'PRODUCER_FENCED' || root?.code === 90;
}

const START_HINT = 'start one with `kstream local start`, or point --bootstrap-server at a running broker';

/** The innermost error kafkajs wrapped (retries, non-retriable wrappers, `cause`). */
export function rootCause(err: unknown): unknown {
  let current = err as KafkaJsErrorShape | undefined;
  for (let depth = 0; depth < 10 && current; depth++) {
    const next = current.originalError ?? (current as { cause?: unknown }).cause;
    if (!next || next === current) break;
    current = next as KafkaJsErrorShape;
  }
  return current;
}

function isConnectionFailure(e: KafkaJsErrorShape): boolean {
  const names = ['KafkaJSConnectionError', 'KafkaJSBrokerNotFound', 'KafkaJSConnectionClosedError'];
  const codes = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'];
  return names.includes(e.name) || codes.includes(String(e.code)) || /ECONNREFUSED|ENOTFOUND|Connection timeout/.test(e.message);
}

function isAuthFailure(e: KafkaJsErrorShape): boolean {
  return e.name === 'KafkaJSSASLAuthenticationError' || e.type === 'SASL_AUTHENTICATION_FAILED' || e.type === 'UNSUPPORTED_SASL_MECHANISM';
}

/** Node's codes for a certificate chain the client does not trust. */
const UNTRUSTED = /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_REJECTED)$/;

/** What went wrong in a TLS handshake, as a message and hint; undefined when it is not a TLS failure. */
function tlsFailure(e: KafkaJsErrorShape): { what: string; detail: string; hint: string } | undefined {
  const code = String(e.code ?? '');
  // Drop kafkajs's prefixes ("Failed to connect to seed broker, …: Connection error: "): the cause is what is left.
  const detail = cleanMessage(e.message).replace(/^.*Connection error: /, '');
  if (UNTRUSTED.test(code) || /self[- ]signed|unable to (verify|get local issuer)|certificate (has expired|is not yet valid)/i.test(e.message)) {
    return { what: 'certificate not trusted', detail, hint: 'pass the CA that signed the broker certificate with --tls-ca (or tls.ca in the profile)' };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altnames|Hostname\/IP does not match/i.test(e.message)) {
    return { what: 'certificate does not match the broker address', detail, hint: 'connect by a name the certificate lists, or pass --tls-server-name NAME' };
  }
  const alert = /alert (certificate unknown|bad certificate|unknown ca|certificate required|certificate expired|certificate revoked)/i.exec(e.message);
  if (alert) {
    return { what: 'the broker did not accept the client certificate', detail: `TLS alert "${alert[1]}"`, hint: 'use a certificate and key signed by a CA the broker trusts (--tls-cert, --tls-key)' };
  }
  if (/^ERR_(TLS|SSL)|^ERR_OSSL/.test(code) || /wrong version number|SSL routines|alert|handshake|tlsv1|before secure TLS connection/i.test(e.message)) {
    return { what: 'TLS handshake failed', detail, hint: 'is this a TLS listener? check --tls, the port and the client certificate' };
  }
  return undefined;
}

/**
 * Turns whatever a kafkajs call threw into a KstreamError with a one-line message.
 * `brokers` names the addresses in connection messages.
 */
export function fromKafkaError(err: unknown, brokers: string[] = []): KstreamError {
  if (err instanceof KstreamError) return err;
  const mapped = mapError(err, brokers);
  return isClientError(err) ? markKafkaFailure(mapped) : mapped;
}

function mapError(err: unknown, brokers: string[]): KstreamError {
  const root = batchMember(rootCause(err)) as KafkaJsErrorShape;
  const outer = err as KafkaJsErrorShape;
  const where = brokers.length ? ` at ${brokers.join(',')}` : '';
  if (!root || typeof root !== 'object' || typeof root.message !== 'string') return new InternalError(root ?? err);
  // Ours, wrapped by kafkajs (thrown inside a callback it ran): already worded.
  if (root instanceof KstreamError) return root;
  const notKafka = notKafkaMessage(root) ?? notKafkaMessage(outer);
  if (notKafka) return new ConnectionError(notKafka, { hint: 'point --bootstrap-server at the HOST:PORT of a Kafka listener', cause: err });
  if (isAuthFailure(root)) {
    return new ConnectionError(`authentication failed${where}: ${cleanMessage(root.message)}`, {
      hint: 'check the SASL mechanism, user name and password', cause: err,
    });
  }
  const tls = tlsFailure(root);
  if (tls) return new ConnectionError(`${tls.what}${where}: ${tls.detail}`, { hint: tls.hint, cause: err });
  if (root.name === 'KafkaJSConnectionClosedError' || /Closed connection|Connection closed by the server/.test(root.message)) {
    return new ConnectionError(`the broker${where} closed the connection`, {
      hint: 'does this listener expect TLS (--tls) or SASL (--sasl-mechanism)? see `kstream local status` for the listeners', cause: err,
    });
  }
  if (isConnectionFailure(root) || isConnectionFailure(outer)) {
    const advertised = advertisedAddress(root, outer, brokers);
    if (advertised) return advertisedUnreachable(advertised, brokers, err);
    return new ConnectionError(`cannot connect to the Kafka broker${where}`, { hint: START_HINT, cause: err });
  }
  if (root.type && /AUTHORIZATION_FAILED$/.test(root.type)) {
    return new KafkaRequestError(root.type, `not authorized: ${protocolMessage(root)}`, {
      hint: 'ask for an ACL that allows it (`kstream acls create`), or connect as a user that has one', cause: err,
    });
  }
  if (root.type) {
    return new KafkaRequestError(root.type, `Kafka refused the request: ${protocolMessage(root)}`, { cause: err });
  }
  if (!isFromKafkaOrNetwork(root)) return new InternalError(root);
  return new KstreamError(cleanMessage(root.message || outer.message), { exitCode: ExitCode.KAFKA, cause: err });
}

/**
 * The address kafkajs failed to reach when it is none of the bootstrap servers: it came from the
 * cluster's metadata, i.e. a broker's advertised.listeners, so the bootstrap itself answered.
 */
function advertisedAddress(root: KafkaJsErrorShape, outer: KafkaJsErrorShape, brokers: string[]): string | undefined {
  const address = typeof root.broker === 'string' ? root.broker : typeof outer.broker === 'string' ? outer.broker : undefined;
  if (!address || brokers.length === 0 || brokers.includes(address)) return undefined;
  return address;
}

/** One wording wherever a client meets an advertised listener it cannot reach. */
export function advertisedUnreachable(address: string, brokers: string[], cause: unknown, nodeId?: number): ConnectionError {
  const who = nodeId === undefined ? 'a broker' : `broker ${nodeId}`;
  return new ConnectionError(`${who} advertises ${address}, which this client cannot reach (the bootstrap ${brokers.join(',')} answered)`, {
    hint: "the broker's advertised.listeners must name an address clients can reach: fix it on the broker, or connect from where that address resolves",
    cause,
  });
}

/**
 * The error of the first item of a batch kafkajs failed as a whole: createTopics puts them in
 * `errors`, deleteGroups in `groups[].error`. kstream sends one item per call, so it is the one.
 */
function batchMember(e: unknown): unknown {
  const batch = e as (KafkaJsErrorShape & { groups?: Array<{ error?: unknown }> }) | undefined;
  const member = batch?.errors?.[0] ?? batch?.groups?.find((g) => g.error)?.error;
  return member && typeof member === 'object' && typeof (member as Error).message === 'string' ? rootCause(member) : e;
}

/**
 * kafkajs's own errors, and Node's system errors (they carry a code); anything else reaching here
 * (a TypeError, a thrown string) is a defect in kstream, not something the broker did.
 */
function isFromKafkaOrNetwork(e: KafkaJsErrorShape): boolean {
  return Boolean(isClientError(e) || e.type || e.code !== undefined || e.retriable !== undefined);
}

/** The guarded socket's "HOST:PORT did not answer as a Kafka broker: …" (kafka-socket.ts), kafkajs's prefix dropped. */
function notKafkaMessage(e: KafkaJsErrorShape | undefined): string | undefined {
  if (!e || typeof e.message !== 'string') return undefined;
  const m = /(\S+ did not answer as a Kafka broker: .*)$/s.exec(e.message);
  if (m) return cleanMessage(m[1]!);
  return e.code === NOT_KAFKA_CODE ? cleanMessage(e.message) : undefined;
}

/** `UNKNOWN_TOPIC_OR_PARTITION` → "unknown topic or partition (UNKNOWN_TOPIC_OR_PARTITION)". */
export function protocolMessage(e: { type?: string; message: string }): string {
  const text = cleanMessage(e.message);
  return e.type ? `${text} (${e.type})` : text;
}

function cleanMessage(message: string): string {
  return message.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}
