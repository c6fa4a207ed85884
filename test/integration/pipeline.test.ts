import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, brokers, runCli, uniqueName } from '../helpers/cli.js';
import { testKafka } from '../helpers/kafka.js';
import { freePort } from '../../src/local/broker.js';
import { killSpawned, createTopicsOn, numbered, produceValues, readCommitted, spawnCli, waitFor } from '../helpers/pipeline.js';

const work = mkdtempSync(join(tmpdir(), 'kstream-pipeline-test-'));

async function topicsWith(values: string[], extra = 1, partitions = 2): Promise<string[]> {
  const names = Array.from({ length: extra + 1 }, (_, i) => uniqueName(i === 0 ? 'pl-src' : 'pl-out'));
  await createTopicsOn(brokers(), names, partitions);
  if (values.length) await produceValues(brokers(), names[0]!, values);
  return names;
}

const sorted = (a: string[]) => [...a].sort();

/** Every record of `topic` with its headers, read with a read_committed kafkajs consumer. */
async function readRecords(topic: string, count: number): Promise<Array<{ key: string | null; value: string; headers: Record<string, string> }>> {
  const consumer = (await testKafka()).consumer({ groupId: uniqueName('check'), readUncommitted: false });
  const out: Array<{ key: string | null; value: string; headers: Record<string, string> }> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      out.push({ key: message.key?.toString() ?? null, value: message.value!.toString(), headers });
    },
  });
  await waitFor(`${count} records in ${topic}`, async () => out.length >= count, 60_000);
  await consumer.disconnect();
  return out;
}

describe('kstream pipeline run', () => {
  afterAll(killSpawned);

  it('maps and filters with JS expressions, in the order written, and reports figures', async () => {
    const [src, dst] = await topicsWith(['{"level":"info","n":1}', '{"level":"debug","n":2}', 'not json', '{"level":"warn","n":3}']);
    const metricsFile = join(work, 'figures.json');
    const r = await runCli(['pipeline', 'run', '--from', src!, '--to', dst!, '--filter', 'r.json && r.json.level !== "debug"', '--map', '({key: r.json.level, value: String(r.json.n * 10), headers: {src: r.topic}})', '--exit', '--metrics-json', metricsFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const records = await readRecords(dst!, 2);
    expect(sorted(records.map((x) => `${x.key}=${x.value}`))).toEqual(['info=10', 'warn=30']);
    expect(records[0]!.headers).toEqual({ src });
    expect(r.stderr).toMatch(/STAGE.*IN.*OUT/);
    const figures = JSON.parse(readFileSync(metricsFile, 'utf8'));
    expect(figures.stages).toHaveLength(1);
    expect(figures.stages[0]).toMatchObject({
      stage: dst,
      counters: { recordsIn: 4, recordsOut: 2, recordsFiltered: 2, recordsFailed: 0, batchesAborted: 0 },
      gauges: { lag: 0, inFlight: 0, workers: 0 },
    });
    expect(figures.stages[0].counters.batchesCommitted).toBeGreaterThan(0);
    expect(figures.stages[0].timers.latencyMs.count).toBe(4);
    expect(figures.stages[0].timers.batchMs.p99).toEqual(expect.any(Number));
  });

  it('runs a shell chain, and resumes where it stopped on a second run', async () => {
    const [src, dst] = await topicsWith(['INFO a', 'DEBUG b', 'INFO c']);
    const chain = `topic:${src} | grep -v DEBUG | awk '{print $2 "|" $1}' | map:r.value.toUpperCase() | topic:${dst}`;
    const first = await runCli(['pipeline', 'run', chain, '--exit']);
    expect(first.code, first.stderr).toBe(0);
    expect(sorted(readCommitted(brokers(), dst!)), first.stderr).toEqual(['A|INFO', 'C|INFO']);
    await produceValues(brokers(), src!, ['INFO d']);
    const second = await runCli(['pipeline', 'run', chain, '--exit']);
    expect(second.code, second.stderr).toBe(0);
    expect(sorted(readCommitted(brokers(), dst!))).toEqual(['A|INFO', 'C|INFO', 'D|INFO']);
  });

  it('stops on a failing transform after its retries, naming the offsets, and commits nothing', async () => {
    const [src, dst] = await topicsWith(['a', 'b'], 1, 1);
    const args = ['pipeline', 'run', '--from', src!, '--to', dst!, '--exec', 'cat; exit 4', '--retries', '1', '--exit'];
    const r = await runCli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('retry 1 of 1');
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^error: stage ${dst}: 'cat; exit 4' exited 4; stopped at ${src} partition 0 offsets 0-1, not committed \\(.*--dlq`));
    expect(readCommitted(brokers(), dst!)).toEqual([]);
    // Nothing committed: a fixed transform picks up the same records.
    const fixed = await runCli(['pipeline', 'run', '--from', src!, '--to', dst!, '--exec', 'cat', '--exit']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(sorted(readCommitted(brokers(), dst!))).toEqual(['a', 'b']);
  });

  it('sends failing batches to the dead-letter topic with an error header and goes on', async () => {
    const [src, dst, dlq] = await topicsWith(['ok-1', 'bad', 'ok-2'], 2, 1);
    const r = await runCli(['pipeline', 'run', '--from', src!, '--to', dst!, '--map', 'r.value === "bad" ? r.nope.x : r.value', '--batch-size', '1', '--retries', '0', '--dlq', dlq!, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`sent ${src} partition 0 offsets 1-1 to ${dlq}`));
    expect(sorted(readCommitted(brokers(), dst!))).toEqual(['ok-1', 'ok-2']);
    const [dead] = await readRecords(dlq!, 1);
    expect(dead).toMatchObject({ value: 'bad', headers: { 'kstream-source-topic': src, 'kstream-source-partition': '0', 'kstream-source-offset': '1' } });
    expect(dead!.headers['kstream-error']).toMatch(/threw at .*@1: Cannot read properties of undefined/);
  });

  it('pipes batches to a sink command and commits after it exits 0 (at least once)', async () => {
    const [src] = await topicsWith(numbered(50), 0, 1);
    const out = join(work, `sink-${src}.txt`);
    const r = await runCli(['pipeline', 'run', '--from', src!, '--to-exec', `cat >> ${out}`, '--batch-size', '20', '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual(numbered(50));
    const again = await runCli(['pipeline', 'run', `topic:${src} | exec:cat >> ${out}`, '--exit']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(50);
  });

  it('serves Prometheus metrics on loopback while it runs, and exits 143 on SIGTERM', async () => {
    const [src, dst] = await topicsWith(['x', 'y']);
    const port = await freePort();
    const run = spawnCli(['pipeline', 'run', '--from', src!, '--to', dst!, '--metrics-port', String(port)], brokers());
    let body = '';
    await waitFor('two records counted on /metrics', async () => {
      body = await new Promise<string>((resolve) => {
        get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve(text));
        }).on('error', () => resolve(''));
      });
      return body.includes(`kstream_pipeline_records_out_total{stage="${dst}"} 2`);
    });
    expect(body).toContain('# TYPE kstream_pipeline_batch_duration_ms summary');
    expect(body).toMatch(new RegExp(`kstream_pipeline_workers\\{stage="${dst}"\\} 1`));
    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    expect(code).toBe(143);
    // A signal is how a following pipeline ends: its figures, no error line.
    expect(run.output().stderr).toMatch(/STAGE.*IN.*OUT/);
    expect(run.output().stderr).not.toMatch(/error:/);
  });

  it('spreads partitions over --parallel workers, still exactly once', async () => {
    const inputs = numbered(3000);
    const [src, dst] = await topicsWith(inputs, 1, 4);
    const r = await runCli(['pipeline', 'run', '--from', src!, '--to', dst!, '--parallel', '2', '--map', '"p-" + r.value', '--batch-size', '100', '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(sorted(readCommitted(brokers(), dst!))).toEqual(inputs.map((v) => `p-${v}`).sort());
  });

  it('redraws a live table on a terminal (a pseudo-terminal here), and only there', async () => {
    const [src, dst] = await topicsWith(['a', 'b', 'c'], 1, 1);
    const command = `node ${BIN} pipeline run --from ${src} --to ${dst} --exec 'sleep 2; cat' --batch-size 1 --exit`;
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, KSTREAM_BROKERS: brokers(), NO_COLOR: '1' }, timeout: 120_000 });
    expect(tty.status, tty.stdout).toBe(0);
    // Drawn at least once, then moved over (ESC [ n F) and cleared (ESC [ J) before the final summary.
    expect(tty.stdout).toMatch(/STAGE[\s\S]*\x1b\[\d+F\x1b\[J[\s\S]*STAGE/);
    const piped = await runCli(['pipeline', 'run', '--from', src!, '--to', dst!, '--exit']);
    expect(piped.stderr).not.toContain('\x1b[');
  });

  it('rejects bad input with one line and exit 1', async () => {
    const [src, dst] = await topicsWith([]);
    const cases: Array<[string[], RegExp]> = [
      [['pipeline', 'run', '--to', dst!], /^error: name the source with --from TOPIC/],
      [['pipeline', 'run', '--from', src!], /^error: name the destination with --to TOPIC, --to-exec COMMAND or --to-db URL/],
      [['pipeline', 'run', '--from', src!, '--to', dst!, '--map', 'r.value +'], /^error: --map 'r.value \+' is not a JavaScript expression/],
      [['pipeline', 'run', '--from', src!, '--to', uniqueName('missing')], /^error: topic 'missing-.*' does not exist/],
      [['pipeline', 'run', `topic:${src} | grep x`], /^error: the pipeline must end with topic:NAME, exec:COMMAND or db:URL/],
      [['pipeline', 'run', '--from', src!, '--to', dst!, '--batch-size', '0'], /^error: --batch-size must be a whole number \(at least 1\)/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('kstream pipeline with a file', () => {
  it('validates, draws and runs a two-stage pipeline', async () => {
    const [raw, mid, out] = await topicsWith(['DEBUG one', 'INFO two', 'INFO three'], 2);
    const file = join(work, `${raw}.yaml`);
    writeFileSync(file, [
      `inputs: [${raw}]`,
      'stages:',
      '  shout:',
      `    from: ${mid}`,
      '    steps: [{map: "r.value.toUpperCase()"}]',
      `    to: ${out}`,
      '  clean:',
      `    from: ${raw}`,
      '    steps:',
      '      - exec: sed /DEBUG/d',
      `    to: ${mid}`,
    ].join('\n') + '\n');
    const valid = await runCli(['pipeline', 'validate', '-f', file]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stderr).toContain('2 stages, no cycles');
    const graph = await runCli(['pipeline', 'graph', '-f', file]);
    expect(graph.stdout).toBe(`clean: ${raw} -> exec:sed /DEBUG/d -> ${mid}\nshout: ${mid} -> map:r.value.toUpperCase() -> ${out}\n`);
    const dot = await runCli(['pipeline', 'graph', '-f', file, '--dot']);
    expect(dot.stdout).toContain(`"topic:${mid}" -> "stage:shout";`);
    const r = await runCli(['pipeline', 'run', '-f', file, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(sorted(readCommitted(brokers(), out!))).toEqual(['INFO THREE', 'INFO TWO']);
  });

  it('rejects a cycle and an unknown topic, naming them', async () => {
    const file = join(work, 'bad.yaml');
    writeFileSync(file, 'inputs: [a]\nstages:\n  one: {from: a, to: b}\n  two: {from: b, to: c}\n  three: {from: c, to: b}\n  four: {from: typo, to: d}\n');
    const r = await runCli(['pipeline', 'validate', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: stages form a cycle: two -> three -> two`);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^error: .*bad.yaml: stage 'four' reads topic 'typo', which no stage writes and inputs does not list \(and 1 more problem listed above\)$/);
    const run = await runCli(['pipeline', 'run', '-f', file, '--exit']);
    expect(run.code).toBe(1);
  });
});
