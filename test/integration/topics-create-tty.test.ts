// The interactive path of `topics create` needs a terminal: tmux gives the CLI a pseudo-terminal
// that the test types into and reads back.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, brokers, runCli, uniqueName } from '../helpers/cli.js';
import { withTestAdmin } from '../helpers/kafka.js';

// One tmux server per session: a server that is exiting with its last session must never be the
// one a new session connects to ("server exited unexpectedly").
const sockets: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'kstream-tty-'));
const tmuxOn = (socket: string, ...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
afterAll(() => {
  for (const socket of sockets) {
    try {
      tmuxOn(socket, 'kill-server');
    } catch {
      // already gone with its last session
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: () => boolean, label: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (what()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${label}`);
}

/** Starts kstream in a fresh tmux session; resolves to helpers that type and read the screen. */
function terminal(args: string[]) {
  const session = uniqueName('tty');
  const socket = `kstream-test-${session}`;
  sockets.push(socket);
  const tmux = (...args: string[]) => tmuxOn(socket, ...args);
  const exitFile = join(dir, `${session}.exit`);
  // CI sets CI=true, which (rightly) turns prompts off; this test is the user at a terminal.
  const cmd = `env -u CI NO_COLOR=1 KSTREAM_BROKERS='${brokers()}' '${process.execPath}' '${BIN}' ${args.join(' ')}; echo $? > '${exitFile}'; sleep 30`;
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', cmd);
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  return {
    screen,
    type: (...keys: string[]) => tmux('send-keys', '-t', session, ...keys),
    until: (text: string | RegExp) => waitFor(() => (typeof text === 'string' ? screen().includes(text) : text.test(screen())), String(text)),
    exitCode: async () => {
      await waitFor(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').endsWith('\n'), 'exit');
      tmux('kill-session', '-t', session);
      return Number(readFileSync(exitFile, 'utf8'));
    },
  };
}

describe('kstream topics create on a terminal', () => {
  it('asks for the name, partitions and replication, re-asking after a bad answer', async () => {
    const topic = uniqueName('asked');
    const t = terminal(['topics', 'create']);
    await t.until('Topic name:');
    t.type('bad name!', 'Enter');
    await t.until("'bad name!' is not a valid topic name");
    t.type('C-u', topic, 'Enter');
    await t.until('Partitions:');
    t.type('C-u', '3', 'Enter');
    await t.until('Replication factor:');
    t.type('Enter');
    expect(await t.exitCode()).toBe(0);
    const { topics } = await withTestAdmin((a) => a.fetchTopicMetadata({ topics: [topic] }));
    expect(topics[0]!.partitions).toHaveLength(3);
  });

  it('asks only for what the flags did not give', async () => {
    const topic = uniqueName('half-asked');
    const t = terminal(['topics', 'create', '--partitions', '2']);
    await t.until('Topic name:');
    t.type(topic, 'Enter');
    await t.until('Replication factor:');
    expect(t.screen()).not.toContain('Partitions:');
    t.type('Enter');
    expect(await t.exitCode()).toBe(0);
    const { topics } = await withTestAdmin((a) => a.fetchTopicMetadata({ topics: [topic] }));
    expect(topics[0]!.partitions).toHaveLength(2);
  });

  it('exits 130 on Ctrl-C at a question, creating nothing', async () => {
    const t = terminal(['topics', 'create']);
    await t.until('Topic name:');
    const topic = uniqueName('never-created');
    t.type(topic);
    t.type('C-c');
    // Raw mode turns Ctrl-C into a key: kstream itself reports it, rather than dying of the signal.
    await t.until('error: interrupted by SIGINT');
    expect(await t.exitCode()).toBe(130);
    expect(await withTestAdmin((a) => a.listTopics())).not.toContain(topic);
  });

  it.each([['--no-input'], ['--yes']])('never asks with %s', async (flag) => {
    const t = terminal(['topics', 'create', flag]);
    expect(await t.exitCode()).toBe(1);
  });

  it('never asks without a terminal: a missing name is a usage error', async () => {
    const r = await runCli(['topics', 'create']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: name at least one topic to create \(pass a name/);
  });
});
