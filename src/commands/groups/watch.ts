// The refresh loop of `groups describe --watch` and `kstream top`.
import type { Options } from 'yargs';
import { openAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import { createKafka, unreachable, withDeadline, type Connection } from '../../kafka/connection.js';
import type { Context } from '../../context.js';
import { fromKafkaError } from '../../kafka/errors.js';
import { RecordTimes } from '../../kafka/record-time.js';
import { watchSignals } from '../../signals.js';
import { parseDuration } from '../../util/duration.js';
import { parseInteger } from '../../util/kv.js';
import { sleep } from '../pipeline/batches.js';
import { GroupSampler, type GroupSample } from './live.js';
import { frame, groupsScreen, jsonLine, partitionsScreen } from './live-view.js';

export const watchOptions = {
  interval: { type: 'string', describe: 'Time between refreshes (default 1s)', requiresArg: true },
  count: { type: 'string', describe: 'Stop after this many refreshes (default: until Ctrl-C)', requiresArg: true },
  // -o json gives JSON lines on a terminal too; piped they are the default.
} satisfies Record<string, Options>;

export interface WatchOptions {
  /** The groups to show at each refresh (top lists them again, to see new ones). */
  groups(admin: KafkaAdmin): Promise<string[]>;
  view: 'partitions' | 'groups';
  intervalMs: number;
  count?: number;
  /** -o json: JSON lines even on a terminal. */
  json?: boolean;
}

export function watchSettings(argv: { interval?: string; count?: string; output?: string }): Pick<WatchOptions, 'intervalMs' | 'count' | 'json'> {
  const intervalMs = argv.interval === undefined ? 1000 : parseDuration(argv.interval, '--interval');
  return {
    intervalMs: Math.max(intervalMs, 100),
    count: argv.count === undefined ? undefined : parseInteger(argv.count, '--count', 1),
    json: argv.output === 'json',
  };
}

/**
 * Samples the groups every interval until --count or Ctrl-C. A terminal gets the screen redrawn in
 * place on stdout; anything else one JSON line per refresh. Each refresh must finish within --timeout.
 */
export async function watchGroups(ctx: Context, conn: Connection, opts: WatchOptions): Promise<void> {
  const interruption = watchSignals(ctx);
  const tty = Boolean(ctx.io.stdout.isTTY) && !opts.json;
  let admin: KafkaAdmin | undefined;
  let times: RecordTimes | undefined;
  try {
    admin = await openAdmin(conn, ctx.io);
    times = new RecordTimes(await createKafka(conn, ctx.io));
    const sampler = new GroupSampler(times);
    for (let n = 0; opts.count === undefined || n < opts.count; n++) {
      if (n > 0 && !(await sleep(opts.intervalMs, interruption.signal))) break;
      const samples = await withDeadline(sampleAll(admin, sampler, opts, conn.timeoutMs), conn.timeoutMs, () => unreachable(conn));
      const now = Date.now();
      if (!tty) ctx.io.stdout.write(jsonLine(now, samples));
      else ctx.io.stdout.write(frame(title(opts, now), opts.view === 'groups' ? groupsScreen(samples) : partitionsScreen(samples)));
      if (interruption.signal.aborted) break;
    }
    interruption.endIfInterrupted();
  } catch (err) {
    throw interruption.received() ? err : fromKafkaError(err, conn.brokers);
  } finally {
    interruption.dispose();
    await times?.close();
    await admin?.close().catch(() => undefined);
  }
}

async function sampleAll(admin: KafkaAdmin, sampler: GroupSampler, opts: WatchOptions, timeoutMs: number): Promise<GroupSample[]> {
  const out: GroupSample[] = [];
  for (const group of await opts.groups(admin)) out.push(await sampler.sample(admin, group, timeoutMs));
  return out;
}

function title(opts: WatchOptions, now: number): string {
  const at = new Date(now).toISOString().slice(11, 19);
  return `kstream ${opts.view === 'groups' ? 'top' : 'groups describe --watch'} · ${at} UTC · every ${opts.intervalMs / 1000}s · Ctrl-C to quit`;
}
