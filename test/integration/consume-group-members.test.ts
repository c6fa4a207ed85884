// Two members of one group, and a member killed before its first commit: nothing printed twice
// that was committed, nothing skipped, committed offsets never moving back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, uniqueName } from '../helpers/cli.js';
import { CommitWatch, ConsumeChild, committed, numbers, numberedTopic, produceNumbered, range, waitFor } from '../helpers/consume-group.js';
import { withTestAdmin } from '../helpers/kafka.js';

async function stableWith(group: string, members: number): Promise<boolean> {
  const { groups } = await withTestAdmin((a) => a.describeGroups([group]));
  return groups[0]?.state === 'Stable' && groups[0].members.length === members;
}

function duplicates(values: number[]): number[] {
  const seen = new Set<number>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

describe('kstream consume --group with two members', () => {
  it('a member that takes over partitions starts where the other committed, and offsets never move back', async () => {
    const topic = uniqueName('members');
    const group = uniqueName('g-members');
    const dir = mkdtempSync(join(tmpdir(), 'kstream-members-'));
    await numberedTopic(topic, 3);
    await produceNumbered(topic, 3, 1, 3000);
    const watch = new CommitWatch(group, topic);
    // Files, not pipes: commits then follow the output at once, so nothing may be printed twice.
    const a = new ConsumeChild([topic, '-g', group, '--from-beginning'], { file: join(dir, 'a') });
    await waitFor('A to print 3000 records', () => a.printed().length >= 3000);
    const b = new ConsumeChild([topic, '-g', group], { file: join(dir, 'b') });
    await waitFor('A and B to share the group', () => stableWith(group, 2));

    await produceNumbered(topic, 3, 3001, 6000);
    await waitFor('6000 records printed', () => a.printed().length + b.printed().length >= 6000);
    a.kill('SIGINT');
    expect(await a.exited, a.stderr).toBe(130);

    // B now has every partition, and must go on from where A committed.
    await produceNumbered(topic, 3, 6001, 9000);
    await waitFor('9000 records printed', () => a.printed().length + b.printed().length >= 9000);
    b.kill('SIGINT');
    expect(await b.exited, b.stderr).toBe(130);

    const all = [...a.printed(), ...b.printed()];
    expect(duplicates(all)).toEqual([]);
    expect([...all].sort((x, y) => x - y)).toEqual(range(1, 9000));
    expect(b.printed().length).toBeGreaterThan(3000);
    expect(await watch.backwards()).toEqual([]);
    expect(await committed(group, topic)).toEqual([3000, 3000, 3000]);
  }, 180_000);
});

describe('kstream consume --group killed before its first commit', () => {
  it('the next run starts where the killed one started: nothing is skipped', async () => {
    const topic = uniqueName('kill9');
    const group = uniqueName('g-kill9');
    await numberedTopic(topic, 3);
    await produceNumbered(topic, 3, 1, 300);
    // 300 records are far less than the 256 KiB a pipe's reader may hold: no progress commit is due yet.
    const first = new ConsumeChild([topic, '-g', group, '--from-beginning']);
    await waitFor('300 records printed', () => first.printed().length >= 300);
    first.kill('SIGKILL');
    await first.exited;

    await produceNumbered(topic, 3, 301, 600);
    // The rerun waits for the killed member's session to expire (30 s) before it gets the partitions.
    const next = await runCli(['consume', topic, '-g', group, '-e']);
    expect(next.code, next.stderr).toBe(0);
    const again = numbers(next.stdout);
    expect(duplicates(again)).toEqual([]);
    expect([...new Set([...first.printed(), ...again])].sort((x, y) => x - y)).toEqual(range(1, 600));
    expect(await committed(group, topic)).toEqual([200, 200, 200]);
  }, 180_000);
});
