// SCRAM users of a local broker that already has its storage: KRaft keeps SCRAM credentials in the
// cluster metadata, where `kafka-storage format --add-scram` can put them only once, so later ones
// are upserted through AlterUserScramCredentials on the PLAINTEXT listener (a super user's).
import { KstreamError } from '../errors.js';
import { resolveConnection } from '../config/connection.js';
import type { Io } from '../context.js';
import { withSession } from '../kafka/session.js';
import { alterScramUsers, SCRAM_MECHANISMS } from '../kafka/security/scram.js';
import type { SaslUser } from './security.js';

export async function upsertScramUsers(bootstrap: string, users: SaslUser[], io: Pick<Io, 'stderr'>): Promise<void> {
  const conn = resolveConnection({ bootstrapServer: bootstrap, clientId: 'kstream-local' }, {});
  const upsertions = users.flatMap((u) => SCRAM_MECHANISMS.map((mechanism) => ({ user: u.name, password: u.password, mechanism })));
  const results = await withSession(conn, io, (s) => alterScramUsers(s, { upsertions }));
  const failed = results.find((r) => r.error);
  if (failed) throw new KstreamError(`could not set the SCRAM credentials of '${failed.user}': ${failed.errorMessage ?? failed.error}`);
}
