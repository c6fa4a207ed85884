import { describe, expect, it } from 'vitest';
import { errorFor } from '../../src/registry/client.js';

const URL = 'http://127.0.0.1:8081/apis/ccompat/v7';
const json = (status: number, body: unknown) => ({ status, contentType: 'application/json', body: JSON.stringify(body) });

describe('errorFor', () => {
  it.each([
    [json(404, { error_code: 40401, message: "Subject 'x' not found." }), { subject: 'x' }, `subject 'x' not found in the Schema Registry at ${URL}`, 2],
    [json(404, { error_code: 40402, message: 'Version 9 not found.' }), { subject: 'x', version: 9 }, "subject 'x' has no version 9", 2],
    [json(404, { error_code: 40402 }), { subject: 'x', version: 'latest' as const }, "subject 'x' has no versions", 2],
    [json(404, { error_code: 40403 }), { id: 7 }, `no schema with id 7 in the Schema Registry at ${URL}`, 2],
    [json(409, { error_code: 409, message: 'Incompatible artifact: t [AVRO]' }), { subject: 't' }, "the schema is incompatible with subject 't': Incompatible artifact: t [AVRO]", 2],
    [json(422, { error_code: 42201, message: 'Invalid schema' }), { subject: 't' }, "the Schema Registry rejected the request for subject 't': Invalid schema", 1],
    [json(401, { error_code: 401, message: 'Unauthorized' }), {}, `the Schema Registry at ${URL} refused to authenticate us (HTTP 401: Unauthorized)`, 3],
    [{ status: 403, contentType: 'text/plain', body: 'no' }, {}, `the Schema Registry at ${URL} refused access (HTTP 403)`, 3],
    [{ status: 404, contentType: 'text/html', body: '<html>Not Found</html>' }, { subject: 'x' }, `${URL} does not answer as a Schema Registry (HTTP 404, text/html)`, 3],
    [json(500, { error_code: 50001, message: 'boom' }), {}, `the Schema Registry at ${URL} answered HTTP 500 (error 50001): boom`, 2],
  ])('%j', (res, target, message, exitCode) => {
    const err = errorFor(URL, res, target);
    expect(err.message).toBe(message);
    expect(err.exitCode).toBe(exitCode);
  });
});
