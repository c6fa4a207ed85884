// A local cluster of N KRaft nodes on loopback, for learning replication, ISR and leader election.
//
// Topology: every node is a broker AND a controller voter (a 3-voter combined quorum), not one
// controller plus three brokers. On a two-core machine that is three JVMs instead of four, and there
// is no single controller whose loss stops the cluster: three voters keep a majority when any one
// node dies, which is exactly what bouncing a broker (kill -9 of a partition leader) does.
//
// Layout: <data-dir>/kstream-cluster.json lists the nodes; each node is a one-node data dir of its
// own in <data-dir>/node-<id> (server.properties, server.log, kraft-logs, kstream-local.json), so
// the single-node code (state file, liveness, stop) applies to each node unchanged.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode, KstreamError, UsageError } from '../errors.js';
import { probeBrokerCount } from '../kafka/admin/index.js';
import {
  brokerStatus, explainLog, formatStorage, freePort, isAlive, isFormatted, killAndWait, launcherFor, layout,
  portIsFree, readState, sleep, spawnDetached, stateFile, stopBroker, tail, type BrokerState,
} from './broker.js';
import type { JvmOptions, KafkaLauncher } from './distribution.js';
import { clusterNodeProperties, LOG4J_PROPERTIES, newClusterId } from './server-config.js';

/**
 * Per node: a heap enough for a lab's topics and small enough for three nodes on a two-core machine.
 * C1 only (TieredStopAtLevel=1) cuts the CPU a node burns while starting by about a third
 * (16 s to 11 s of CPU for three nodes, measured), which on two cores is most of the start-up
 * time; a lab's throughput does not need C2. The serial collector suits a small heap and adds no
 * GC threads competing for the two cores.
 */
export const CLUSTER_JVM: JvmOptions = { heap: ['-Xms128m', '-Xmx512m'], flags: ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'] };
export const MAX_NODES = 9;

export interface ClusterNode {
  nodeId: number;
  dataDir: string;
  port: number;
  controllerPort: number;
}

/** What `local status` reads back; kept in <data-dir>/kstream-cluster.json. */
export interface ClusterState {
  clusterId: string;
  dataDir: string;
  bootstrap: string;
  nodes: ClusterNode[];
}

export interface ClusterStartOptions {
  dataDir: string;
  nodes: number;
  /** Client port of node 1; node N listens on port + N - 1. Default: the ports of the last start. */
  port?: number;
  kafkaHome?: string;
  waitMs: number;
  env: NodeJS.ProcessEnv;
  onProgress: (line: string) => void;
}

export interface NodeStatus {
  node: ClusterNode;
  /** The running broker of that node, or undefined. */
  broker?: BrokerState;
}

export const DEFAULT_CLUSTER_PORT = 9092;
export const clusterFile = (dataDir: string) => join(dataDir, 'kstream-cluster.json');

export function readCluster(dataDir: string): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(clusterFile(resolve(dataDir)), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export function clusterStatus(state: ClusterState): NodeStatus[] {
  return state.nodes.map((node) => ({ node, broker: brokerStatus(node.dataDir) }));
}

const bootstrapOf = (nodes: ClusterNode[]) => nodes.map((n) => `127.0.0.1:${n.port}`).join(',');

/**
 * Starts the nodes of the cluster in this data dir that are not running (all of them the first
 * time; after a kill -9, the killed one) and resolves once every node sees all N brokers.
 */
export async function startCluster(opts: ClusterStartOptions): Promise<{ state: ClusterState; started: NodeStatus[] }> {
  const dataDir = resolve(opts.dataDir);
  if (readState(dataDir) || isFormatted(dataDir)) {
    throw new UsageError(`${dataDir} holds a one-node broker, not a cluster`, { hint: 'start it without --nodes, or pass another --data-dir' });
  }
  const previous = readCluster(dataDir);
  if (previous && previous.nodes.length !== opts.nodes) {
    throw new UsageError(`${dataDir} holds a cluster of ${previous.nodes.length} nodes, not ${opts.nodes}`, {
      hint: `pass --nodes ${previous.nodes.length}, or another --data-dir (or delete it with \`kstream local stop --clean\`)`,
    });
  }
  const state = previous ? withPorts(previous, opts.port) : await newCluster(dataDir, opts.nodes, opts.port ?? DEFAULT_CLUSTER_PORT);
  const toStart = clusterStatus(state).filter((s) => !s.broker).map((s) => s.node);
  if (toStart.length === 0) {
    throw new KstreamError(`a local cluster of ${state.nodes.length} nodes is already running at ${state.bootstrap}`, {
      exitCode: ExitCode.USAGE,
      hint: 'stop it with `kstream local stop`, or pass another --data-dir',
    });
  }
  await checkPorts(toStart);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(clusterFile(dataDir), JSON.stringify(state, null, 2) + '\n');
  const log4j = join(dataDir, 'log4j.properties');
  writeFileSync(log4j, LOG4J_PROPERTIES);
  const launcher = await launcherFor(opts, log4j, CLUSTER_JVM);
  const voters = state.nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
  await Promise.all(toStart.map((node) => prepareNode(launcher, node, state, voters, opts.env)));
  const started = toStart.map((node) => ({ node, broker: spawnNode(launcher, node, opts.env) }));
  try {
    await waitForCluster(started, state.nodes.length, opts.waitMs);
  } catch (err) {
    await Promise.all(started.map((s) => killAndWait(s.broker.pid, 10_000)));
    throw err;
  }
  return { state, started };
}

/** A restart keeps the controller ports (the voters of the quorum); client ports may move while all nodes are down. */
function withPorts(previous: ClusterState, port: number | undefined): ClusterState {
  if (port === undefined || port === previous.nodes[0]!.port) return previous;
  if (clusterStatus(previous).some((s) => s.broker)) {
    throw new UsageError(`the cluster in ${previous.dataDir} runs on ${previous.bootstrap}, not from port ${port}`, {
      hint: 'start its missing nodes without --port',
    });
  }
  const nodes = previous.nodes.map((n) => ({ ...n, port: port + n.nodeId - 1 }));
  return { ...previous, nodes, bootstrap: bootstrapOf(nodes) };
}

async function newCluster(dataDir: string, size: number, port: number): Promise<ClusterState> {
  if (port + size - 1 > 65535) throw new UsageError(`--port ${port} leaves no room for ${size} nodes`, { hint: 'choose a lower --port' });
  const nodes: ClusterNode[] = [];
  for (let nodeId = 1; nodeId <= size; nodeId++) {
    nodes.push({ nodeId, dataDir: join(dataDir, `node-${nodeId}`), port: port + nodeId - 1, controllerPort: await freeControllerPort(port, size) });
  }
  return { clusterId: newClusterId(() => randomBytes(16)), dataDir, bootstrap: bootstrapOf(nodes), nodes };
}

/** A free port outside the client ports (freePort could hand out one of them while it is still unused). */
async function freeControllerPort(port: number, size: number): Promise<number> {
  for (;;) {
    const candidate = await freePort();
    if (candidate < port || candidate >= port + size) return candidate;
  }
}

async function checkPorts(nodes: ClusterNode[]): Promise<void> {
  for (const node of nodes) {
    for (const [p, what] of [[node.port, 'client'], [node.controllerPort, 'controller']] as const) {
      if (!(await portIsFree(p))) {
        throw new UsageError(`port ${p} on 127.0.0.1 (${what} port of node ${node.nodeId}) is already in use`, {
          hint: what === 'client' ? `choose other ports with --port (node N uses port + N - 1)` : 'stop what uses it, or start the cluster in another --data-dir',
        });
      }
    }
  }
}

async function prepareNode(launcher: KafkaLauncher, node: ClusterNode, state: ClusterState, voters: string, env: NodeJS.ProcessEnv): Promise<void> {
  mkdirSync(node.dataDir, { recursive: true });
  const files = layout(node.dataDir);
  const props = { nodeId: node.nodeId, port: node.port, controllerPort: node.controllerPort, logDirs: files.logDirs, voters, size: state.nodes.length };
  writeFileSync(files.config, clusterNodeProperties(props));
  if (!existsSync(join(files.logDirs, 'meta.properties'))) await formatStorage(launcher, files, state.clusterId, env);
}

function spawnNode(launcher: KafkaLauncher, node: ClusterNode, env: NodeJS.ProcessEnv): BrokerState {
  const files = layout(node.dataDir);
  const pid = spawnDetached(launcher, files, env);
  const broker: BrokerState = {
    pid, port: node.port, controllerPort: node.controllerPort, bootstrap: `127.0.0.1:${node.port}`, dataDir: node.dataDir,
    logFile: files.log, startedAt: new Date().toISOString(), kafka: launcher.description,
  };
  writeFileSync(stateFile(node.dataDir), JSON.stringify(broker, null, 2) + '\n');
  return broker;
}

/** Polls each started node until its metadata lists all `size` brokers; fails early, with its log, if one dies. */
async function waitForCluster(started: Array<{ node: ClusterNode; broker: BrokerState }>, size: number, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  const pending = new Set(started);
  while (pending.size > 0) {
    for (const s of pending) {
      if (!isAlive(s.broker.pid)) {
        const { cause, errors } = explainLog(tail(s.broker.logFile, 2000));
        throw new KstreamError(`node ${s.node.nodeId} exited while starting: ${cause}`, { details: errors, hint: `see the whole log in ${s.broker.logFile}` });
      }
      if ((await probeBrokerCount(s.broker.bootstrap)) === size) pending.delete(s);
    }
    if (pending.size === 0) return;
    if (Date.now() >= deadline) {
      const late = [...pending].map((s) => s.node.nodeId).join(', ');
      throw new KstreamError(`node ${late} of the cluster did not see all ${size} brokers within ${Math.round(waitMs / 1000)}s`, {
        details: tail([...pending][0]!.broker.logFile, 15),
        hint: 'see server.log in each node-N folder of the data dir, or wait longer with --wait',
      });
    }
    await sleep(250);
  }
}

/** Stops every running node at once and waits for each to exit; returns those that were running. */
export async function stopCluster(state: ClusterState, opts: { clean: boolean; graceMs?: number }): Promise<BrokerState[]> {
  const stopped = await Promise.all(state.nodes.map((n) => stopBroker(n.dataDir, { clean: false, graceMs: opts.graceMs })));
  if (opts.clean) rmSync(state.dataDir, { recursive: true, force: true });
  return stopped.filter((s): s is BrokerState => s !== undefined);
}
