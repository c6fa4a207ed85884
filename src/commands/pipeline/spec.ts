import { readFileSync } from 'node:fs';
import { yaml } from '../../util/yaml.js';
import { UsageError } from '../../errors.js';
import { DEFAULTS, type StagePlan } from './plan.js';
import { describeTransform, type ExecFormat, type TransformSpec } from './transforms.js';
import { parseDuration } from '../../util/duration.js';
import { DB_STAGE_KEYS, dbFromStage, describeDbSink } from './db/spec.js';

/**
 * A pipeline file:
 *
 *   inputs: [raw]                 # topics written outside this pipeline
 *   defaults: { batch-size: 1000 } # any stage setting, for every stage
 *   stages:
 *     parse:
 *       from: raw                 # a topic or a list of topics
 *       steps:                    # in order; each one of map, filter, exec
 *         - filter: "r.json?.level !== 'debug'"
 *         - exec: "jq -c '{level,msg}'"
 *       to: parsed                # a topic or a list; or to-exec: COMMAND
 *     load:
 *       from: parsed
 *       to-exec: "cat >> /tmp/out"
 *     db:
 *       from: parsed
 *       to-db: postgres://etl@localhost:5432/tolldata   # or mysql://…
 *       table: livetolldata       # also db-format, columns, upsert
 *
 * Stages form a graph through topics: a stage that writes T feeds every stage that reads T.
 */
export interface PipelineFile {
  path: string;
  inputs: string[];
  stages: StagePlan[];
}

const STAGE_KEYS = ['from', 'to', 'to-exec', 'steps', 'group', 'batch-size', 'batch-ms', 'retries', 'dlq', 'parallel', 'exec-format', 'exec-timeout', 'map-timeout', ...DB_STAGE_KEYS];
const SETTING_KEYS = STAGE_KEYS.filter((k) => !['from', 'to', 'to-exec', 'to-db', 'table', 'columns', 'upsert', 'steps', 'group', 'dlq'].includes(k));

export function loadPipelineFile(path: string): PipelineFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parsePipeline(text, path);
}

/** Parses and checks a pipeline file; every problem is listed, the first one in the message. */
export function parsePipeline(text: string, path: string): PipelineFile {
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const problems: string[] = [];
  const file = readDocument(doc, path, problems);
  if (problems.length === 0) problems.push(...checkGraph(file));
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''} listed above)` : '';
    throw new UsageError(`${path}: ${problems[0]}${more}`, { details: problems.length > 1 ? problems.map((p) => `${path}: ${p}`).join('\n') : undefined });
  }
  return file;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function topics(value: unknown, where: string, problems: string[]): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.filter((t) => {
    const ok = typeof t === 'string' && /^[a-zA-Z0-9._-]{1,249}$/.test(t);
    if (!ok) problems.push(`${where}: '${String(t)}' is not a valid topic name`);
    return ok;
  }) as string[];
}

function readDocument(doc: unknown, path: string, problems: string[]): PipelineFile {
  const file: PipelineFile = { path, inputs: [], stages: [] };
  if (!isObject(doc) || !isObject(doc.stages)) {
    problems.push('needs a `stages:` map of named stages');
    return file;
  }
  for (const key of Object.keys(doc)) if (!['inputs', 'defaults', 'stages'].includes(key)) problems.push(`unknown key '${key}' (expected inputs, defaults, stages)`);
  file.inputs = topics(doc.inputs, 'inputs', problems);
  const defaults = isObject(doc.defaults) ? doc.defaults : {};
  for (const key of Object.keys(defaults)) if (!SETTING_KEYS.includes(key)) problems.push(`defaults: unknown key '${key}'`);
  for (const [name, raw] of Object.entries(doc.stages)) {
    if (!isObject(raw)) {
      problems.push(`stage '${name}' must be a map with from, steps and to`);
      continue;
    }
    const stage = readStage(name, { ...defaults, ...raw }, problems);
    if (stage) file.stages.push(stage);
  }
  return file;
}

function setting<T>(stage: Record<string, unknown>, key: string, where: string, problems: string[], parse: (v: string) => T, fallback: T): T {
  if (stage[key] === undefined) return fallback;
  try {
    return parse(String(stage[key]));
  } catch (err) {
    const message = (err as Error).message;
    problems.push(`${where}: ${message.startsWith(key) ? message : `${key} ${message}`}`);
    return fallback;
  }
}

const integer = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`must be a whole number of at least ${min} (got '${v}')`);
  return n;
};

function readStage(name: string, s: Record<string, unknown>, problems: string[]): StagePlan | undefined {
  const where = `stage '${name}'`;
  for (const key of Object.keys(s)) if (!STAGE_KEYS.includes(key)) problems.push(`${where}: unknown key '${key}' (expected ${STAGE_KEYS.join(', ')})`);
  const from = topics(s.from, `${where} from`, problems);
  const to = topics(s.to, `${where} to`, problems);
  const toExec = typeof s['to-exec'] === 'string' ? s['to-exec'] : undefined;
  const db = dbFromStage(s, (p) => problems.push(`${where}: ${p}`));
  if (from.length === 0) problems.push(`${where} needs from: TOPIC`);
  const sinks = [to.length > 0, toExec !== undefined, s['to-db'] !== undefined].filter(Boolean).length;
  if (sinks === 0) problems.push(`${where} needs to: TOPIC, to-exec: COMMAND or to-db: URL`);
  if (sinks > 1) problems.push(`${where} has more than one of to, to-exec and to-db; choose one`);
  const execFormat = setting<ExecFormat>(s, 'exec-format', where, problems, (v) => {
    if (v !== 'lines' && v !== 'json') throw new Error(`must be lines or json (got '${v}')`);
    return v;
  }, DEFAULTS.execFormat);
  const execTimeoutMs = setting(s, 'exec-timeout', where, problems, (v) => parseDuration(v, 'exec-timeout'), DEFAULTS.execTimeoutMs);
  const mapTimeoutMs = setting(s, 'map-timeout', where, problems, (v) => parseDuration(v, 'map-timeout'), DEFAULTS.mapTimeoutMs);
  const steps = readSteps(s.steps, where, { format: execFormat, timeoutMs: execTimeoutMs }, problems);
  const dlq = s.dlq === undefined ? undefined : topics(s.dlq, `${where} dlq`, problems)[0];
  return {
    name, from, to, toExec, steps, dlq, execFormat, execTimeoutMs, mapTimeoutMs,
    ...(db ? { toDb: db } : {}),
    group: typeof s.group === 'string' ? s.group : `kstream-pipeline-${name}`,
    batchSize: setting(s, 'batch-size', where, problems, integer(1), DEFAULTS.batchSize),
    batchMs: setting(s, 'batch-ms', where, problems, (v) => parseDuration(v, 'batch-ms'), DEFAULTS.batchMs),
    retries: setting(s, 'retries', where, problems, integer(0), DEFAULTS.retries),
    parallel: setting(s, 'parallel', where, problems, integer(1), DEFAULTS.parallel),
  };
}

function readSteps(raw: unknown, where: string, exec: { format: ExecFormat; timeoutMs: number }, problems: string[]): TransformSpec[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${where}: steps must be a list, e.g. [{exec: "grep x"}, {map: "r.value"}]`);
    return [];
  }
  return raw.flatMap((step, i): TransformSpec[] => {
    const keys = isObject(step) ? Object.keys(step) : [];
    const kind = keys[0];
    const text = isObject(step) && kind ? step[kind] : undefined;
    if (keys.length !== 1 || !['map', 'filter', 'exec'].includes(kind!) || typeof text !== 'string') {
      problems.push(`${where}: step ${i + 1} must be one of {map: EXPR}, {filter: EXPR}, {exec: COMMAND}`);
      return [];
    }
    return [kind === 'exec' ? { kind: 'exec', command: text, ...exec } : { kind: kind as 'map' | 'filter', expr: text }];
  });
}

/** Unknown topics, shared consumer groups and cycles. */
export function checkGraph(file: PipelineFile): string[] {
  const problems: string[] = [];
  const written = new Set(file.stages.flatMap((s) => s.to));
  const inputs = new Set(file.inputs);
  for (const stage of file.stages) {
    for (const topic of stage.from) {
      if (!written.has(topic) && !inputs.has(topic)) {
        problems.push(`stage '${stage.name}' reads topic '${topic}', which no stage writes and inputs does not list`);
      }
    }
  }
  const groups = new Map<string, string>();
  for (const stage of file.stages) {
    const other = groups.get(stage.group);
    if (other) problems.push(`stages '${other}' and '${stage.name}' share the consumer group '${stage.group}'`);
    groups.set(stage.group, stage.name);
  }
  const cycle = findCycle(file.stages);
  if (cycle) problems.push(`stages form a cycle: ${cycle.join(' -> ')}`);
  return problems;
}

/** The stages that read what `stage` writes. */
export function downstream(stages: StagePlan[], stage: StagePlan): StagePlan[] {
  return stages.filter((s) => s.from.some((t) => stage.to.includes(t)));
}

export function findCycle(stages: StagePlan[]): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (stage: StagePlan): string[] | undefined => {
    if (state.get(stage.name) === 'done') return undefined;
    if (state.get(stage.name) === 'visiting') return [...path.slice(path.indexOf(stage.name)), stage.name];
    state.set(stage.name, 'visiting');
    path.push(stage.name);
    for (const next of downstream(stages, stage)) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(stage.name, 'done');
    return undefined;
  };
  for (const stage of stages) {
    const found = visit(stage);
    if (found) return found;
  }
  return undefined;
}

/** Stages in an order where each comes after every stage it reads from (the file must be acyclic). */
export function topologicalOrder(stages: StagePlan[]): StagePlan[] {
  const indegree = new Map(stages.map((s) => [s.name, 0]));
  for (const s of stages) for (const d of downstream(stages, s)) indegree.set(d.name, indegree.get(d.name)! + 1);
  const ready = stages.filter((s) => indegree.get(s.name) === 0);
  const order: StagePlan[] = [];
  while (ready.length) {
    const s = ready.shift()!;
    order.push(s);
    for (const d of downstream(stages, s)) {
      indegree.set(d.name, indegree.get(d.name)! - 1);
      if (indegree.get(d.name) === 0) ready.push(d);
    }
  }
  return order;
}

const sinkOf = (s: StagePlan) => (s.toDb ? describeDbSink(s.toDb) : s.toExec !== undefined ? `exec:${s.toExec}` : s.to.join(', '));

/** One line per stage, in topological order: `name: from -> step | step -> to`. */
export function graphText(file: PipelineFile): string {
  return topologicalOrder(file.stages)
    .map((s) => `${s.name}: ${s.from.join(', ')} -> ${s.steps.length ? s.steps.map(describeTransform).join(' | ') : '(copy)'} -> ${sinkOf(s)}${s.dlq ? ` (dlq ${s.dlq})` : ''}`)
    .join('\n') + '\n';
}

const quote = (s: string) => JSON.stringify(s);

/** Graphviz DOT: topics as ellipses, stages as boxes. */
export function graphDot(file: PipelineFile): string {
  const lines = ['digraph pipeline {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  const topicsSeen = new Set<string>();
  const topic = (t: string) => {
    if (!topicsSeen.has(t)) lines.push(`  ${quote(`topic:${t}`)} [shape=ellipse, label=${quote(t)}];`);
    topicsSeen.add(t);
    return quote(`topic:${t}`);
  };
  for (const s of topologicalOrder(file.stages)) {
    const node = quote(`stage:${s.name}`);
    const label = [s.name, ...s.steps.map(describeTransform)].join('\\n');
    lines.push(`  ${node} [shape=box, label=${quote(label).replace(/\\\\n/g, '\\n')}];`);
    for (const t of s.from) lines.push(`  ${topic(t)} -> ${node};`);
    for (const t of s.to) lines.push(`  ${node} -> ${topic(t)};`);
    if (s.dlq) lines.push(`  ${node} -> ${topic(s.dlq)} [style=dashed, label="dlq"];`);
    if (s.toExec !== undefined) {
      lines.push(`  ${quote(`exec:${s.name}`)} [shape=cds, label=${quote(s.toExec)}];`, `  ${node} -> ${quote(`exec:${s.name}`)};`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
