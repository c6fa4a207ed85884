// Shared pieces of `npm run bench`: run a shell pipeline, time it, and make input data.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const KSTREAM = fileURLToPath(new URL('../bin/kstream.js', import.meta.url));

/** GNU time reports the peak RSS of the biggest process of a pipeline (Debian package `time`). */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const RSS_MARK = 'BENCH_PEAK_RSS_KB';

/**
 * Runs `command` in bash; resolves with its wall time in seconds, stdout, stderr and the peak
 * RSS in MB of its largest process (undefined without GNU time); rejects on a non-zero exit.
 */
export function timeShell(command, { env = {}, input } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const argv = ['bash', '-o', 'pipefail', '-c', command];
    const [cmd, ...args] = GNU_TIME ? [GNU_TIME, '-f', `${RSS_MARK} %M`, ...argv] : argv;
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d.length > 0 && stdout.length < 1_000_000 ? d : ''));
    child.stderr.on('data', (d) => (stderr += d));
    if (input) child.stdin.end(input);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const mark = new RegExp(`^${RSS_MARK} (\\d+)$`, 'm').exec(stderr);
      const rssMb = mark ? Math.round(Number(mark[1]) / 1024) : undefined;
      stderr = stderr.replace(new RegExp(`^${RSS_MARK}.*\\n?`, 'm'), '');
      if (code === 0) resolve({ seconds, stdout, stderr, rssMb });
      else reject(new Error(`'${command}' exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

/** Writes `count` lines of about `size` bytes (a counter, then filler) to `path`, once. */
export async function makeLines(path, count, size = 100) {
  if (existsSync(path)) return path;
  const out = createWriteStream(path);
  const filler = 'x'.repeat(size);
  for (let i = 0; i < count; i++) {
    const line = `${String(i).padStart(9, '0')} ${filler}`.slice(0, size - 1) + '\n';
    if (!out.write(line)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return path;
}

export const rate = (records, seconds) => Math.round(records / seconds);

/** A record count for a case name: 10000000 as 10M. */
export const millions = (records) => (records % 1_000_000 === 0 ? `${records / 1_000_000}M` : String(records));

/** Rounds per case (KSTREAM_BENCH_ROUNDS, default 3): single samples on a 2-core machine vary by more than the goals' margins. */
export const ROUNDS = Math.max(1, Number(process.env.KSTREAM_BENCH_ROUNDS ?? 3));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Runs each of `tools` (name → async () => { seconds, rssMb }, or undefined to leave a tool out)
 * ROUNDS times, alternating, with the first tool of each round rotating so that neither drift
 * nor a warm cache favours one. Returns, per tool, the median rate and the highest peak RSS, and
 * `ratios`: each round's kstream/kcat rate ratio.
 */
export async function alternate(records, tools) {
  const names = Object.keys(tools).filter((n) => tools[n]);
  const seconds = Object.fromEntries(names.map((n) => [n, []]));
  const rss = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      const r = await tools[name](round);
      seconds[name].push(r.seconds);
      if (r.rssMb !== undefined) rss[name].push(r.rssMb);
    }
  }
  const out = {};
  for (const n of names) {
    out[n] = rate(records, median(seconds[n]));
    if (rss[n].length) out[`${n}Rss`] = Math.max(...rss[n]);
  }
  if (seconds.kstream && seconds.kcat) out.ratios = seconds.kstream.map((s, i) => seconds.kcat[i] / s);
  return out;
}
