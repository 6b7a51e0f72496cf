/**
 * Pinned-ports mode, the pure part: which `rayStartParams` pin each Ray port and which ports the
 * cluster's NetworkPolicy then opens between its pods. The construct resolves and validates the
 * plan (`network/pinned-ports.ts`); the `generate-network-policies` rule holds the rendered
 * cluster to it.
 *
 * @module
 */

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

/** A port (or range) of a NetworkPolicy rule, as plain JSON. */
export interface PolicyPort {
  /** `TCP`, `UDP` or `SCTP`. */
  readonly protocol: string;
  /** The port, or the first port of the range. */
  readonly port: number;
  /** The last port of a range. */
  readonly endPort?: number;
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

/** The ports opened between the cluster's pods in pinned mode (the worker range as one `endPort` rule). */
export function pinnedPolicyPorts(plan: PinnedPortPlan): PolicyPort[] {
  const single = [
    plan.gcs, plan.dashboard, plan.nodeManager, plan.objectManager,
    plan.dashboardAgentGrpc, plan.runtimeEnvAgent, plan.dashboardAgentHttp, plan.metrics,
  ];
  return [
    ...[...new Set(single)].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port })),
    { protocol: 'TCP', port: plan.minWorker, endPort: plan.maxWorker },
  ];
}
