import { PropsError } from '../tenant';

/** How the cluster's NetworkPolicy treats traffic between its own pods. */
export enum NetworkMode {
  /**
   * Every port between the cluster's own pods (what Ray, KubeRay v1.7 and CodeFlare converged
   * on): works with any Ray configuration, because most Ray ports are random.
   */
  ALL_PORTS = 'all-ports',
  /**
   * The construct pins every Ray port in each group's `rayStartParams` and opens only those
   * between the cluster's pods (the worker range as one `endPort` rule).
   */
  PINNED_PORTS = 'pinned-ports',
}

/** The ports pinned in {@link NetworkMode.PINNED_PORTS}. All must be distinct. */
export interface PinnedPortsOptions {
  /**
   * The raylet's node manager (`node-manager-port`).
   * @default 20100
   */
  readonly nodeManagerPort?: number;
  /**
   * The raylet's object manager (`object-manager-port`).
   * @default 20101
   */
  readonly objectManagerPort?: number;
  /**
   * The dashboard agent's gRPC port (`dashboard-agent-grpc-port`).
   * @default 20102
   */
  readonly dashboardAgentGrpcPort?: number;
  /**
   * The runtime-env agent (`runtime-env-agent-port`).
   * @default 20103
   */
  readonly runtimeEnvAgentPort?: number;
  /**
   * First port of the worker range (`min-worker-port`). Every worker process, actor and driver
   * takes one port; a range that is too small hangs jobs (Ray issues 28071, 32215).
   * @default 10002
   */
  readonly minWorkerPort?: number;
  /**
   * Last port of the worker range (`max-worker-port`).
   * @default 11001 (1000 ports)
   */
  readonly maxWorkerPort?: number;
}

/** The resolved plan of pinned ports. */
export interface PinnedPortPlan {
  /** The head's GCS port (`port`), always 6379. */
  readonly gcs: number;
  /** The dashboard port, always 8265. */
  readonly dashboard: number;
  /** The raylet's node manager (`node-manager-port`). */
  readonly nodeManager: number;
  /** The raylet's object manager (`object-manager-port`). */
  readonly objectManager: number;
  /** The dashboard agent's gRPC port (`dashboard-agent-grpc-port`). */
  readonly dashboardAgentGrpc: number;
  /** The runtime-env agent (`runtime-env-agent-port`). */
  readonly runtimeEnvAgent: number;
  /** KubeRay pins the dashboard agent's HTTP port. */
  readonly dashboardAgentHttp: number;
  /** KubeRay pins the metrics export port. */
  readonly metrics: number;
  /** First port of the worker range (`min-worker-port`). */
  readonly minWorker: number;
  /** Last port of the worker range (`max-worker-port`), inclusive. */
  readonly maxWorker: number;
}

/** Resolves and validates the pinned ports (distinct, in range, outside the worker range). */
export function planPinnedPorts(prop: string, options: PinnedPortsOptions = {}): PinnedPortPlan {
  const p = (k: keyof PinnedPortsOptions, d: number): number => {
    const v = options[k];
    if (v === undefined) return d;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1024 || v > 65535) {
      throw new PropsError(`${prop}.${k}: expected a port number 1024-65535, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const plan: PinnedPortPlan = {
    gcs: 6379,
    dashboard: 8265,
    nodeManager: p('nodeManagerPort', 20100),
    objectManager: p('objectManagerPort', 20101),
    dashboardAgentGrpc: p('dashboardAgentGrpcPort', 20102),
    runtimeEnvAgent: p('runtimeEnvAgentPort', 20103),
    dashboardAgentHttp: 52365,
    metrics: 8080,
    minWorker: p('minWorkerPort', 10002),
    maxWorker: p('maxWorkerPort', options.minWorkerPort !== undefined ? options.minWorkerPort + 999 : 11001),
  };
  if (plan.maxWorker < plan.minWorker) throw new PropsError(`${prop}.maxWorkerPort: ${plan.maxWorker} is below minWorkerPort ${plan.minWorker}`);
  const singles: [string, number][] = [
    ['GCS', plan.gcs], ['dashboard', plan.dashboard], ['Ray Client', 10001], ['nodeManagerPort', plan.nodeManager],
    ['objectManagerPort', plan.objectManager], ['dashboardAgentGrpcPort', plan.dashboardAgentGrpc],
    ['runtimeEnvAgentPort', plan.runtimeEnvAgent], ['dashboard agent HTTP (KubeRay)', plan.dashboardAgentHttp], ['metrics (KubeRay)', plan.metrics],
  ];
  const seen = new Map<number, string>();
  for (const [name, port] of singles) {
    if (seen.has(port)) throw new PropsError(`${prop}: ${name} and ${seen.get(port)} both use port ${port}`);
    seen.set(port, name);
    if (port >= plan.minWorker && port <= plan.maxWorker) {
      throw new PropsError(`${prop}: ${name} port ${port} lies inside the worker range ${plan.minWorker}-${plan.maxWorker}`);
    }
  }
  return plan;
}

/** The `rayStartParams` that pin a group's ports (the head also pins the GCS port). */
export function pinnedStartParams(plan: PinnedPortPlan, head: boolean): Record<string, string> {
  return {
    ...(head ? { port: String(plan.gcs) } : {}),
    'node-manager-port': String(plan.nodeManager),
    'object-manager-port': String(plan.objectManager),
    'dashboard-agent-grpc-port': String(plan.dashboardAgentGrpc),
    'runtime-env-agent-port': String(plan.runtimeEnvAgent),
    'min-worker-port': String(plan.minWorker),
    'max-worker-port': String(plan.maxWorker),
  };
}

/** The ports opened between the cluster's pods in pinned mode. */
export function pinnedPolicyPorts(plan: PinnedPortPlan): {
  /** Always `TCP`. */
  protocol: string;
  /** The port, or the first port of the range. */
  port: number;
  /** The last port of the range (the worker range only). */
  endPort?: number;
}[] {
  const single = [
    plan.gcs, plan.dashboard, plan.nodeManager, plan.objectManager,
    plan.dashboardAgentGrpc, plan.runtimeEnvAgent, plan.dashboardAgentHttp, plan.metrics,
  ];
  return [
    ...[...new Set(single)].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port })),
    { protocol: 'TCP', port: plan.minWorker, endPort: plan.maxWorker },
  ];
}
