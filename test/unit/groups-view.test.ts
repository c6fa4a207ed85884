import { describe, expect, it } from 'vitest';
import { groupSummary, groupView, type GroupDescription } from '../../src/commands/groups/describe.js';
import { groupsView } from '../../src/commands/groups/list.js';
import { planView } from '../../src/commands/groups/reset-offsets.js';
import { render } from '../../src/output.js';

const active: GroupDescription = {
  group: 'billing',
  state: 'Stable',
  protocolType: 'consumer',
  protocol: 'RoundRobinAssigner',
  members: [{ memberId: 'm-1', clientId: 'app', host: '10.0.0.7', assignment: [{ topic: 'orders', partitions: [0, 1] }] }],
  offsets: [
    { topic: 'orders', partition: 0, committed: 4, logEnd: 9, lag: 5, memberId: 'm-1' },
    { topic: 'orders', partition: 1, committed: null, logEnd: 2, lag: 2, memberId: 'm-1' },
    { topic: 'gone', partition: 0, committed: 7, logEnd: null, lag: null, memberId: null },
  ],
  totalLag: 7,
};

describe('groups views', () => {
  it('describe: offsets per partition, then the members', () =>
    expect(render(groupView(active), 'plain')).toBe([
      'TOPIC\tPARTITION\tCURRENT-OFFSET\tLOG-END-OFFSET\tLAG\tCONSUMER-ID\tHOST\tCLIENT-ID',
      'orders\t0\t4\t9\t5\tm-1\t10.0.0.7\tapp',
      'orders\t1\t-\t2\t2\tm-1\t10.0.0.7\tapp',
      'gone\t0\t7\t-\t-\t-\t-\t-',
      '',
      'MEMBERS',
      'CONSUMER-ID\tHOST\tCLIENT-ID\tPARTITIONS',
      'm-1\t10.0.0.7\tapp\torders:0,1',
      '',
    ].join('\n')));

  it('describe: no members section for an empty group, and a summary line', () => {
    const empty = { ...active, state: 'Empty', members: [], offsets: active.offsets.map((o) => ({ ...o, memberId: null })) };
    expect(render(groupView(empty), 'plain')).not.toContain('MEMBERS');
    expect(groupSummary(empty)).toBe('group billing: Empty, no active members, total lag 7');
    expect(groupSummary(active)).toBe('group billing: Stable, 1 member, total lag 7');
    expect(JSON.parse(render(groupView(active), 'json'))).toEqual(active);
  });

  it('list: ids when plain, details in a table or JSON, nothing when empty', () => {
    const groups = [{ group: 'a', state: 'Empty', protocolType: 'consumer', members: 0 }, { group: 'b', state: 'Dead', protocolType: '', members: 0 }];
    expect(render(groupsView(groups), 'plain')).toBe('a\nb\n');
    expect(render(groupsView(groups), 'table')).toContain('│ b     │ Dead  │ -             │ 0       │');
    expect(render(groupsView([]), 'plain')).toBe('');
    expect(render(groupsView([]), 'json')).toBe('[]\n');
  });

  it('reset plan: current offset or -, and stable JSON', () => {
    const view = planView('billing', false, { offsets: [{ topic: 'orders', partition: 1, current: null, next: 0 }], warnings: [] });
    expect(render(view, 'plain')).toBe('TOPIC\tPARTITION\tCURRENT-OFFSET\tNEW-OFFSET\norders\t1\t-\t0\n');
    expect(JSON.parse(render(view, 'json'))).toEqual({ group: 'billing', executed: false, offsets: [{ topic: 'orders', partition: 1, current: null, new: 0 }] });
  });
});
