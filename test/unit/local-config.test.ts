import { describe, expect, it } from 'vitest';
import { clusterNodeProperties, newClusterId, serverProperties } from '../../src/local/server-config.js';

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

describe('clusterNodeProperties', () => {
  const parse = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
  const voters = '1@127.0.0.1:7001,2@127.0.0.1:7002,3@127.0.0.1:7003';
  const props = parse(clusterNodeProperties({ nodeId: 2, port: 9093, controllerPort: 7002, logDirs: '/d/node-2/kraft-logs', voters, size: 3 }));

  it('makes each node a broker and one voter of the same quorum, on its own ports', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['node.id']).toBe('2');
    expect(props['controller.quorum.voters']).toBe(voters);
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:9093,CONTROLLER://127.0.0.1:7002');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9093');
    expect(props['log.dirs']).toBe('/d/node-2/kraft-logs');
  });

  it('replicates topics and internal topics three times, with two copies required for acks=all', () => {
    expect(props['default.replication.factor']).toBe('3');
    expect(props['min.insync.replicas']).toBe('2');
    expect(props['offsets.topic.replication.factor']).toBe('3');
    expect(props['transaction.state.log.replication.factor']).toBe('3');
    expect(props['transaction.state.log.min.isr']).toBe('2');
  });

  it('requires one copy of two nodes, and no more than three copies of five', () => {
    const two = parse(clusterNodeProperties({ nodeId: 1, port: 1, controllerPort: 2, logDirs: '/x', voters: '1@h:2,2@h:3', size: 2 }));
    expect([two['default.replication.factor'], two['min.insync.replicas'], two['transaction.state.log.min.isr']]).toEqual(['2', '1', '1']);
    const five = parse(clusterNodeProperties({ nodeId: 1, port: 1, controllerPort: 2, logDirs: '/x', voters: '…', size: 5 }));
    expect([five['default.replication.factor'], five['min.insync.replicas']]).toEqual(['3', '2']);
  });
});
