// SCRAM credentials of users (KIP-554): DescribeUserScramCredentials (API 50) and
// AlterUserScramCredentials (API 51), flexible-only requests kafkajs lacks. The broker never sees a
// password: an upsertion carries a salt and the salted password (RFC 5802's Hi(), PBKDF2 with the
// mechanism's hash), computed here as Kafka's own Admin client does.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { pickVersion, sendRaw, type RawRequest } from '../protocol/request.js';
import { errorName } from '../protocol/errors.js';
import type { Session } from '../session.js';

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];
/** Kafka's ScramMechanism type ids on the wire. */
const MECHANISM_ID: Record<ScramMechanism, number> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };
const HASH: Record<ScramMechanism, { name: string; bytes: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};
/** Kafka accepts 4096 to 16384 iterations (ScramMechanism.minIterations/maxIterations). */
export const DEFAULT_ITERATIONS = 4096;

export interface ScramCredential {
  mechanism: string;
  iterations: number;
}

export interface UserCredentials {
  user: string;
  /** Kafka's error name, e.g. RESOURCE_NOT_FOUND for a user without credentials. */
  error?: string;
  errorMessage?: string;
  credentials: ScramCredential[];
}

export interface UserResult {
  user: string;
  error?: string;
  errorMessage?: string;
}

export interface Upsertion {
  user: string;
  mechanism: ScramMechanism;
  password: string;
  iterations?: number;
}

export interface Deletion {
  user: string;
  mechanism: ScramMechanism;
}

const mechanismName = (id: number) => (Object.entries(MECHANISM_ID).find(([, v]) => v === id)?.[0] ?? `unknown (${id})`);

/** RFC 5802 Hi(password, salt, i): PBKDF2-HMAC with the mechanism's hash, one hash-length block. */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const hash = HASH[mechanism];
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, hash.bytes, hash.name);
}

function describeRequest(version: number, users: string[]): RawRequest<{ error?: string; errorMessage?: string; results: UserCredentials[] }> {
  return {
    apiKey: 50, apiName: 'DescribeUserScramCredentials', apiVersion: version, flexible: true,
    encode: (w) => {
      w.compactArray(users, (w, name) => w.compactString(name).tags());
      w.tags();
    },
    decode: (r) => {
      r.int32(); // throttle time
      const error = errorName(r.int16());
      const errorMessage = r.compactString() ?? undefined;
      const results = r.compactArray((r) => {
        const user = r.compactString()!;
        const err = errorName(r.int16());
        const msg = r.compactString() ?? undefined;
        const credentials = r.compactArray((r) => {
          const c = { mechanism: mechanismName(r.int8()), iterations: r.int32() };
          r.tags();
          return c;
        });
        r.tags();
        // The broker's order varies from one answer to the next.
        credentials.sort((x, y) => x.mechanism.localeCompare(y.mechanism));
        return { user, error: err, errorMessage: msg, credentials };
      });
      r.tags();
      return { error, errorMessage, results };
    },
  };
}

function alterRequest(version: number, deletions: Deletion[], upsertions: Upsertion[]): RawRequest<UserResult[]> {
  return {
    apiKey: 51, apiName: 'AlterUserScramCredentials', apiVersion: version, flexible: true,
    encode: (w) => {
      w.compactArray(deletions, (w, d) => w.compactString(d.user).int8(MECHANISM_ID[d.mechanism]).tags());
      w.compactArray(upsertions, (w, u) => {
        const iterations = u.iterations ?? DEFAULT_ITERATIONS;
        const salt = randomBytes(32);
        w.compactString(u.user).int8(MECHANISM_ID[u.mechanism]).int32(iterations);
        w.compactBytes(salt).compactBytes(saltedPassword(u.mechanism, u.password, salt, iterations)).tags();
      });
      w.tags();
    },
    decode: (r) => {
      r.int32(); // throttle time
      const results = r.compactArray((r) => {
        const res = { user: r.compactString()!, error: errorName(r.int16()), errorMessage: r.compactString() ?? undefined };
        r.tags();
        return res;
      });
      r.tags();
      return results;
    },
  };
}

/** The SCRAM credentials of `users`, or of every user that has some when `users` is empty. */
export async function describeScramUsers(session: Session, users: string[]) {
  const broker = await session.anyBroker();
  const version = pickVersion(broker, 50, 'DescribeUserScramCredentials', { min: 0, max: 0 });
  // An empty list, not null, for every user: Kafka 3.9 answers an unauthorized null with no response at all (a NullPointerException).
  return sendRaw(broker, describeRequest(version, users));
}

/**
 * Deletes and upserts credentials; one result per user. KRaft refuses a request that changes one user
 * twice (DUPLICATE_RESOURCE, even for two mechanisms), so each round of requests changes a user once.
 */
export async function alterScramUsers(session: Session, change: { deletions?: Deletion[]; upsertions?: Upsertion[] }): Promise<UserResult[]> {
  const broker = await session.anyBroker();
  const version = pickVersion(broker, 51, 'AlterUserScramCredentials', { min: 0, max: 0 });
  const results = new Map<string, UserResult>();
  for (const round of rounds([...(change.deletions ?? []).map((d) => ({ d })), ...(change.upsertions ?? []).map((u) => ({ u }))])) {
    const deletions = round.flatMap((c) => ('d' in c ? [c.d] : []));
    const upsertions = round.flatMap((c) => ('u' in c ? [c.u] : []));
    for (const r of await sendRaw(broker, alterRequest(version, deletions, upsertions))) {
      if (!results.get(r.user)?.error) results.set(r.user, r);
    }
  }
  return [...results.values()];
}

/** Changes split so that no user appears twice in one round. */
function rounds<C extends { d: Deletion } | { u: Upsertion }>(changes: C[]): C[][] {
  const out: C[][] = [];
  for (const c of changes) {
    const user = 'd' in c ? c.d.user : c.u.user;
    let round = out.find((r) => !r.some((x) => ('d' in x ? x.d.user : x.u.user) === user));
    if (!round) out.push((round = []));
    round.push(c);
  }
  return out;
}
