import { KstreamError } from '../../errors.js';

/** A SCRAM request's error name as one line; authorization failures named as such. */
export function scramRefusal(error: string, message?: string): KstreamError {
  if (error === 'CLUSTER_AUTHORIZATION_FAILED') {
    return new KstreamError('not authorized to manage SCRAM users (CLUSTER_AUTHORIZATION_FAILED)', { hint: 'this needs ALTER (or DESCRIBE to list) on the cluster: connect as a super user' });
  }
  return new KstreamError(`Kafka refused the request: ${message ? `${message} ` : ''}(${error})`);
}
