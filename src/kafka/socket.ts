import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';
import { formatDuration } from '../util/duration.js';

/** The `code` of the error a guarded socket is destroyed with; kafka-errors.ts maps it. */
export const NOT_KAFKA_CODE = 'KSTREAM_NOT_KAFKA';
/** The same keepalive kafkajs's own socket factory sets. */
const KEEP_ALIVE_DELAY = 60_000;

/** Sockets that have sent a request and not yet had an answer, for the deadline message (see `silentPeer`). */
const waiting = new Map<net.Socket, { address: string; since: number }>();

/**
 * kafkajs's socket factory, with a check of the first answer on each connection.
 *
 * kafkajs trusts the first four bytes it reads as a response length: an HTTP server's
 * "HTTP/1.1 400" announces 1.2 GB, and kafkajs waits for it until its request timeout, then
 * retries. Every Kafka response starts with its length and the correlation id of the request it
 * answers, in order, so the first answer must carry the first request's id. Anything else, or
 * silence for `timeoutMs` after the first request, destroys the socket with an error that says
 * the address is not a Kafka broker; kafkajs then fails the request at once.
 */
export function guardedSocketFactory(timeoutMs: number): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const socket = ssl
      ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY);
    guardFirstAnswer(socket, `${host}:${port}`, timeoutMs);
    return socket;
  };
}

function guardFirstAnswer(socket: net.Socket, address: string, timeoutMs: number): void {
  let requestId: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let received = Buffer.alloc(0);
  const write = socket.write;
  const done = () => {
    clearTimeout(timer);
    waiting.delete(socket);
    socket.off('data', onData);
    socket.write = write;
  };
  const fail = (what: string) => {
    done();
    const err = Object.assign(new Error(`${address} did not answer as a Kafka broker: ${what}`), { code: NOT_KAFKA_CODE });
    socket.destroy(err);
  };
  // The request header: length (4 bytes), api key (2), api version (2), correlation id (4).
  socket.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
    if (requestId === undefined && Buffer.isBuffer(chunk) && chunk.length >= 12) {
      requestId = chunk.readInt32BE(8);
      waiting.set(socket, { address, since: Date.now() });
      timer = setTimeout(() => fail(`it accepted the connection but sent no answer within ${formatDuration(timeoutMs)}`), timeoutMs);
      timer.unref();
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof socket.write;
  const onData = (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    if (received.length < 8) return;
    const size = received.readInt32BE(0);
    const id = received.readInt32BE(4);
    if (requestId !== undefined && id === requestId && size >= 4) return done();
    fail(describeAnswer(received));
  };
  socket.on('data', onData);
  socket.once('close', done);
}

/** What the first bytes look like, for the error: TLS, text, or hex. */
export function describeAnswer(bytes: Buffer): string {
  // A TLS record: content type 20-23, version 3.x.
  if (bytes[0]! >= 0x14 && bytes[0]! <= 0x17 && bytes[1] === 0x03) {
    return 'it answered in TLS (pass --tls, or use its plaintext port)';
  }
  const head = bytes.subarray(0, 24);
  const text = head.toString('latin1');
  if (/^[\x20-\x7e\r\n\t]+$/.test(text)) return `it answered ${JSON.stringify(text.split(/\r?\n/)[0])}`;
  return `its first bytes were ${head.toString('hex').replace(/(..)/g, '$1 ').trim()}`;
}

/** An address of `brokers` with a request waiting for a first answer, for "did not answer within". */
export function silentPeer(brokers: string[]): string | undefined {
  const wanted = new Set(brokers.map(normalise));
  for (const { address } of waiting.values()) if (wanted.has(normalise(address))) return address;
  return undefined;
}

const normalise = (address: string) => address.replace(/^localhost:/, '127.0.0.1:').replace(/^\[?::1\]?:/, '127.0.0.1:');
