// Every failure class maps to the same exit code in every command (README "Output and errors"):
// 0 ok, 1 usage or bad input, 2 Kafka refused, 3 connection or auth, 130/143 interrupted.
// Authentication and TLS failures (3) are in security.test.ts, which starts a broker with those listeners.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kstream-exit-'));
const config = join(dir, 'config.yaml');
const malformed = join(dir, 'malformed.yaml');
const existing = uniqueName('exists');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  writeFileSync(config, `current: test\nprofiles:\n  test:\n    brokers: [${brokers()}]\n  dead:\n    brokers: [127.0.0.1:1]\n`, { mode: 0o600 });
  writeFileSync(malformed, 'profiles:\n  test: {brokers: [a:1}\n');
  expect((await runCli(['topics', 'create', existing])).code).toBe(0);
});

interface Case {
  what: string;
  args: string[];
  code: 0 | 1 | 2 | 3;
  /** The error line (nothing is matched for code 0). */
  message?: RegExp;
  env?: Record<string, string>;
  input?: string;
}

const cases: Case[] = [
  // 0: success
  { what: 'topics list', args: ['topics', 'list'], code: 0 },
  { what: 'profile list', args: ['profile', 'list'], code: 0 },
  { what: 'completion bash', args: ['completion', 'bash'], code: 0 },
  { what: 'help', args: ['topics', '--help'], code: 0 },
  { what: 'produce', args: ['produce', existing], input: 'a\nb\n', code: 0 },
  { what: 'consume to the end', args: ['consume', existing, '--from-beginning', '-e'], code: 0 },
  { what: 'groups list', args: ['groups', 'list'], code: 0 },
  // 1: usage and bad input
  { what: 'unknown command', args: ['topix'], code: 1, message: /unknown command 'topix'/ },
  { what: 'unknown flag', args: ['topics', 'list', '--colour'], code: 1, message: /Unknown argument: colour/ },
  { what: 'bad flag value', args: ['topics', 'list', '--timeout', 'soon'], code: 1, message: /--timeout must be a duration/ },
  { what: 'bad topic name', args: ['topics', 'create', 'bad name!'], code: 1, message: /not a valid topic name/ },
  { what: 'missing topic name without a terminal', args: ['topics', 'create'], code: 1, message: /name at least one topic/ },
  { what: 'topic exists', args: ['topics', 'create', existing], code: 1, message: /already exists/ },
  { what: 'unknown topic', args: ['topics', 'describe', 'no-such-topic-here'], code: 1, message: /does not exist/ },
  { what: 'delete without confirmation', args: ['topics', 'delete', existing], code: 1, message: /without confirmation/ },
  { what: 'unknown profile', args: ['--profile', 'nope', 'topics', 'list'], code: 1, message: /unknown profile 'nope'/ },
  { what: 'KSTREAM_CONFIG naming a missing file', args: ['topics', 'list'], env: { KSTREAM_CONFIG: join(dir, 'missing.yaml') }, code: 1, message: /^error: KSTREAM_CONFIG names the config file .*missing\.yaml, which does not exist/ },
  { what: 'malformed config', args: ['topics', 'list'], env: { KSTREAM_CONFIG: malformed }, code: 1, message: /malformed config file .*line 2/ },
  { what: 'unknown profile to show', args: ['profile', 'show', 'nope'], code: 1, message: /unknown profile 'nope'/ },
  { what: 'incomplete SASL flags', args: ['--sasl-mechanism', 'plain', 'topics', 'list'], code: 1, message: /needs a user name/ },
  { what: 'unreadable CA file', args: ['--tls-ca', '/nonexistent/ca.pem', 'topics', 'list'], code: 1, message: /cannot read the CA certificate/ },
  { what: 'unknown shell', args: ['completion', 'fish'], code: 1, message: /Invalid values/ },
  { what: 'local broker not running', args: ['local', 'status', '--data-dir', join(dir, 'no-broker')], code: 1, message: /not running/ },
  { what: 'malformed broker address', args: ['-b', 'nohostport', 'topics', 'list'], code: 1, message: /not a broker address/ },
  { what: 'produce to a missing topic', args: ['produce', 'no-such-topic-here'], input: 'x\n', code: 1, message: /topic 'no-such-topic-here' does not exist/ },
  { what: 'produce a line without its key', args: ['produce', existing, '-K', ':'], input: 'k:v\nnokey\n', code: 1, message: /line 2 has no key separator/ },
  { what: 'consume a missing topic', args: ['consume', 'no-such-topic-here', '-e'], code: 1, message: /does not exist/ },
  { what: 'consume from a bad offset', args: ['consume', existing, '--offset', 'sometime'], code: 1, message: /--offset/ },
  { what: 'describe an unknown group', args: ['groups', 'describe', 'no-such-group-here'], code: 1, message: /group 'no-such-group-here' does not exist/ },
  { what: 'reset offsets without a mode', args: ['groups', 'reset-offsets', 'g', '--topic', existing], code: 1, message: /no reset mode given/ },
  { what: 'pipeline with a bad expression', args: ['pipeline', 'run', '--from', existing, '--to', existing, '--map', '(('], code: 1, message: /is not a JavaScript expression/ },
  { what: 'pipeline from a missing topic', args: ['pipeline', 'run', '--from', 'no-such-topic-here', '--to', existing, '--map', 'r.value', '--exit'], code: 1, message: /topic 'no-such-topic-here' does not exist/ },
  { what: 'bad SASL user for local start', args: ['local', 'start', '--sasl', '--sasl-user', 'nopassword', '--data-dir', join(dir, 'never')], code: 1, message: /--sasl-user expects NAME:PASSWORD/ },
  // 2: Kafka refused the request
  { what: 'invalid topic config', args: ['topics', 'create', uniqueName('badcfg'), '-c', 'retention.ms=abc'], code: 2, message: /Kafka refused the request: .*INVALID_CONFIG/ },
  // 3: connection
  { what: 'no broker listening', args: ['-b', '127.0.0.1:1', 'topics', 'list'], code: 3, message: /cannot connect to the Kafka broker at 127\.0\.0\.1:1/ },
  { what: 'profile pointing at no broker', args: ['--profile', 'dead', 'topics', 'list'], code: 3, message: /cannot connect to the Kafka broker at 127\.0\.0\.1:1/ },
  { what: 'produce without a broker', args: ['-b', '127.0.0.1:1', 'produce', existing], input: 'x\n', code: 3, message: /cannot connect to the Kafka broker/ },
  { what: 'groups without a broker', args: ['-b', '127.0.0.1:1', 'groups', 'list'], code: 3, message: /cannot connect to the Kafka broker/ },
  { what: 'pipeline without a broker', args: ['-b', '127.0.0.1:1', 'pipeline', 'run', '--from', 'a', '--to', 'b', '--map', 'r.value', '--exit'], code: 3, message: /cannot connect to the Kafka broker/ },
  { what: 'consume without a broker', args: ['-b', '127.0.0.1:1', 'consume', existing, '-e'], code: 3, message: /cannot connect to the Kafka broker/ },
];

describe('exit codes', () => {

  it.each(cases)('$what -> $code', async ({ args, code, message, env, input }) => {
    const r = await runCli(args, { input, noBrokers: true, env: { KSTREAM_CONFIG: config, ...env }, killAfterMs: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(code);
    if (code === 0) return;
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors, r.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(message!);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
