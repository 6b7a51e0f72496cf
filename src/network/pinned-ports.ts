import { RAY_PORTS } from '../kuberay/constants';
import { PinnedPortPlan } from '../policy/pinned-ports';
import { describe, optionalPort, PropsError } from '../validation';

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

/** Resolves and validates the pinned ports (distinct, in range, outside the worker range). */
export function planPinnedPorts(prop: string, options: PinnedPortsOptions | undefined): PinnedPortPlan {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new PropsError(`${prop}: expected { nodeManagerPort?, objectManagerPort?, ..., minWorkerPort?, maxWorkerPort? }, got ${describe(options)}`);
  }
  const p = (k: keyof PinnedPortsOptions, d: number): number => optionalPort(`${prop}.${k}`, options![k], d, 1024);
  const minWorker = p('minWorkerPort', 10002);
  const plan: PinnedPortPlan = {
    gcs: RAY_PORTS.gcs,
    dashboard: RAY_PORTS.dashboard,
    nodeManager: p('nodeManagerPort', 20100),
    objectManager: p('objectManagerPort', 20101),
    dashboardAgentGrpc: p('dashboardAgentGrpcPort', 20102),
    runtimeEnvAgent: p('runtimeEnvAgentPort', 20103),
    dashboardAgentHttp: RAY_PORTS.dashboardAgent,
    metrics: RAY_PORTS.metrics,
    minWorker,
    maxWorker: p('maxWorkerPort', Math.min(minWorker + 999, 65535)),
  };
  if (plan.maxWorker < plan.minWorker) throw new PropsError(`${prop}.maxWorkerPort: ${plan.maxWorker} is below minWorkerPort ${plan.minWorker}`);
  const singles: [string, number][] = [
    ['GCS', plan.gcs], ['dashboard', plan.dashboard], ['Ray Client', RAY_PORTS.client], ['nodeManagerPort', plan.nodeManager],
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
  return Object.freeze(plan);
}
