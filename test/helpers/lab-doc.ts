// Reads the runnable steps of docs/lab.md and compares command output with what the page promises.
// The markers are described in a comment at the top of docs/lab.md.

export type Stream = 'stdout' | 'stderr' | 'output';
export type Mode = 'exact' | 'unordered' | 'contains' | 'lines' | 'columns';

export interface Expectation {
  stream: Stream;
  mode: Mode;
  columns: string[];
  text: string;
}

export interface LabStep {
  /** The line of the page where the command block starts, for failure messages. */
  line: number;
  script: string;
  expect?: Expectation;
  /** The same step written with Kafka's scripts, `bin/kafka-X.sh` swapped for `kstream X`. */
  kafka?: string;
}

export interface LabPage {
  steps: LabStep[];
  /** Commands in ```sh blocks that are not marked to run (e.g. `kstream local start`). */
  unrun: string[];
}

const RUN = /^<!-- lab:run -->$/;
const KAFKA = /^<!-- lab:kafka steps=([\d,]+) -->$/;

/** Kafka's scripts that kstream takes the command lines of, and the kstream command each becomes. */
const SCRIPTS: Record<string, string> = {
  'kafka-topics.sh': 'topics',
  'kafka-console-producer.sh': 'produce',
  'kafka-console-consumer.sh': 'consume',
  'kafka-consumer-groups.sh': 'groups',
  'kafka-configs.sh': 'configs',
};

/** `bin/kafka-topics.sh --x` → `kstream topics --x`: the swap a reader of a Kafka course makes. */
export function swapScript(line: string): string | undefined {
  const m = /^bin\/(kafka-[a-z-]+\.sh)\b(.*)$/.exec(line);
  const command = m && SCRIPTS[m[1]!];
  return command ? `kstream ${command}${m![2]}` : undefined;
}

/** The block's commands: continuation lines joined, trailing comments dropped. */
function commandLines(body: string[]): string[] {
  return body.join('\n').replace(/\\\n\s*/g, '').split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

/** The here-document a kstream step feeds its command, to feed the Kafka form too. */
function heredoc(script: string): string {
  const m = /( <<'(\w+)'\n[\s\S]*?\n\2\n)/.exec(script);
  return m ? m[1]! : '\n';
}
const EXPECT = /^<!-- lab:expect (stdout|stderr|output) (exact|unordered|contains|lines|columns=[A-Z0-9,-]+) -->$/;

export function parseLabPage(markdown: string): LabPage {
  const lines = markdown.split('\n');
  const page: LabPage = { steps: [], unrun: [] };
  let sectionStart = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('## ')) sectionStart = page.steps.length;
    const fence = /^```(\w+)$/.exec(lines[i]!);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    const text = body.join('\n') + '\n';
    const marker = lines[start - 1] ?? '';
    const expect = EXPECT.exec(marker);
    const kafka = KAFKA.exec(marker);
    if (fence[1] === 'sh' && kafka) {
      const runnable = commandLines(body).filter((l) => swapScript(l) !== undefined);
      const targets = kafka[1]!.split(',').map(Number);
      if (targets.length !== runnable.length) throw new Error(`docs/lab.md:${start}: lab:kafka names ${targets.length} steps for ${runnable.length} kstream-able lines`);
      runnable.forEach((l, n) => {
        const step = page.steps[sectionStart + targets[n]! - 1];
        if (!step) throw new Error(`docs/lab.md:${start}: this section has no step ${targets[n]}`);
        step.kafka = (step.kafka ?? '') + swapScript(l) + heredoc(step.script);
      });
    } else if (fence[1] === 'sh' && RUN.test(marker)) {
      page.steps.push({ line: start + 1, script: text });
    } else if (fence[1] === 'sh') {
      page.unrun.push(...body.filter((l) => l.startsWith('kstream ')));
    } else if (fence[1] === 'text' && expect) {
      const step = page.steps.at(-1);
      if (!step || step.expect) throw new Error(`docs/lab.md:${start}: an expected output must follow its own lab:run command`);
      const [mode, cols] = expect[2]!.split('=');
      step.expect = { stream: expect[1] as Stream, mode: mode as Mode, columns: cols ? cols.split(',') : [], text };
    }
  }
  return page;
}

/** Lines as their words: table borders and alignment (or tabs when piped) do not matter. */
export function normalize(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ').trim().split(/\s+/).join(' '))
    .filter((l) => l !== '');
}

/** Returns why `actual` breaks the promise, or undefined when it keeps it. */
export function mismatch(expect: Expectation, actual: string): string | undefined {
  const want = normalize(expect.text);
  const got = normalize(actual);
  const sorted = (a: string[]) => [...a].sort().join('\n');
  switch (expect.mode) {
    case 'exact':
      return want.join('\n') === got.join('\n') ? undefined : 'lines differ';
    case 'unordered':
      return sorted(want) === sorted(got) ? undefined : 'lines differ (in any order)';
    case 'contains':
      return missing(want, got);
    case 'lines':
      return want.length === got.length ? undefined : `expected ${want.length} lines, got ${got.length}`;
    case 'columns': {
      const w = splitTable(want, expect.columns);
      const g = splitTable(got, expect.columns);
      if (!w || !g) return `no table with columns ${expect.columns.join(', ')}`;
      if (sorted(w.rows) !== sorted(g.rows)) return `rows differ in columns ${expect.columns.join(', ')}`;
      return missing(w.others, got);
    }
  }
}

function missing(want: string[], got: string[]): string | undefined {
  const pool = [...got];
  for (const line of want) {
    const at = pool.indexOf(line);
    if (at === -1) return `missing line: ${line}`;
    pool.splice(at, 1);
  }
  return undefined;
}

/** The rows of the table whose header names `columns`, projected on them, and every other line. */
function splitTable(lines: string[], columns: string[]): { rows: string[]; others: string[] } | undefined {
  const headerAt = lines.findIndex((l) => columns.every((c) => l.split(' ').includes(c)));
  if (headerAt === -1) return undefined;
  const header = lines[headerAt]!.split(' ');
  const picks = columns.map((c) => header.indexOf(c));
  let end = headerAt + 1;
  while (end < lines.length && lines[end]!.split(' ').length === header.length) end++;
  return {
    rows: lines.slice(headerAt + 1, end).map((l) => picks.map((i) => l.split(' ')[i]).join(' ')),
    others: [...lines.slice(0, headerAt), ...lines.slice(end)],
  };
}

/** Gives the page's topic and group names unique values so runs do not collide. */
export function substitute(text: string, names: { topic: string; group: string; brokers?: string }): string {
  const named = text.replace(/\blab(-readers)?\b/g, (_, readers: string | undefined) => (readers ? names.group : names.topic));
  // Kafka's scripts name the broker; the test's is elsewhere.
  return names.brokers ? named.replace(/\blocalhost:9092\b/g, names.brokers) : named;
}
