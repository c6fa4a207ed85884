import { describe, expect, it } from 'vitest';
import { newClusterId, serverProperties } from '../../src/local/server-config.js';

describe('serverProperties', () => {
  const text = serverProperties({ port: 9092, controllerPort: 9093, logDirs: '/data/kraft' });
  const props = Object.fromEntries(text.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));

  it('describes one KRaft node that is broker and controller on loopback', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:9093');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9092');
    expect(props['log.dirs']).toBe('/data/kraft');
  });

  it('sizes internal topics for one node, so groups and transactions work', () => {
    expect(props['offsets.topic.replication.factor']).toBe('1');
    expect(props['transaction.state.log.replication.factor']).toBe('1');
    expect(props['transaction.state.log.min.isr']).toBe('1');
    expect(props['group.initial.rebalance.delay.ms']).toBe('0');
  });

  it('lets extra properties override defaults', () => {
    const custom = serverProperties({ port: 1, controllerPort: 2, logDirs: '/x', extra: { 'num.partitions': '3' } });
    expect(custom).toContain('num.partitions=3\n');
    expect(custom).not.toContain('num.partitions=1\n');
  });
});

describe('newClusterId', () => {
  it('is 22 URL-safe base64 characters not starting with a dash', () => {
    const bytes = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 7)];
    const id = newClusterId(() => bytes.shift()!);
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
