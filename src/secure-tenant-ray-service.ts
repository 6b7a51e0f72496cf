import { Construct } from 'constructs';
import { parseDocument } from 'yaml';
import { declareWorkloadName } from './app-workloads';
import { RayService, RayServiceSpec } from '../imports/rayservice-ray.io';
import { renderClusterSpec } from './cluster/cluster-spec';
import { RayClusterConfig } from './cluster/config';
import { resolveClusterConfig } from './cluster/resolve';
import { WorkloadVerdict } from './cluster/verdict';
import { RENAMED_WORKLOAD, resolveWorkloadBase, syncWave, workloadName, WorkloadSyncWaves, yamlOfObject } from './cluster/workload';
import { SYNC_WAVE_ANNOTATION, SyncWaves } from './gitops';
import { RAY_PORTS } from './kuberay/constants';
import { asArray, asObject, JsonObject } from './kubernetes/json';
import { RayClusterNetworkPolicy } from './network/cluster-network-policy';
import { ClusterConnections } from './network/connections';
import { NetworkOptions } from './network/options';
import { LIBRARY_LABELS, LIBRARY_MANAGED_LABEL } from './policy/library-labels';
import { operatorPeer } from './policy/network-policies';
import { checkPinnedPorts, checkRenderedName, checkTemplateLabels, clusterTemplates } from './policy/network-policy-rule';
import { PinnedPortPlan } from './policy/pinned-ports';
import { Violation } from './policy/types';
import { deepFreeze, KeptRenderObject, withKeptRender } from './shared-render';
import { TenantProfile } from './tenant';
import { describe, enumValue, optionalInt, PropsError } from './validation';

/** How KubeRay rolls out a RayService change that needs a new cluster. */
export enum ServiceUpgradeStrategy {
  /**
   * Zero downtime: KubeRay starts a new cluster from the new spec, moves the serve Service to it
   * once it is ready, then deletes the old one (the tenant's quota must hold both for a while).
   */
  NEW_CLUSTER = 'NewCluster',
  /** KubeRay keeps the running cluster and applies only Serve config changes. */
  NONE = 'None',
}

/** Properties of {@link SecureTenantRayService}. */
export interface SecureTenantRayServiceProps extends RayClusterConfig {
  /** The platform's definition of the tenant that owns the service. */
  readonly tenant: TenantProfile;
  /**
   * The Ray Serve applications (`serveConfigV2`): an object (rendered as YAML) or a YAML string
   * holding a mapping, e.g. `{ applications: [{ name: 'app', import_path: 'app:deployment', route_prefix: '/' }] }`.
   * Ray Serve's HTTP proxy listens on port 8000 on every pod (RayPort.SERVE); the construct refuses
   * `http_options.port` (its NetworkPolicies and KubeRay's health check use 8000).
   */
  readonly serveConfig: Record<string, unknown> | string;
  /**
   * The RayService's name (a DNS-1035 label of at most 47 characters: KubeRay names its clusters `<name>-<5 chars>`).
   * @default - derived from the construct path
   */
  readonly name?: string;
  /**
   * How a change that needs a new cluster is rolled out. `NewClusterWithIncrementalUpgrade` is not
   * offered: KubeRay then creates a Gateway listening on port 80 for any route, outside the
   * tenant's NetworkPolicies.
   * @default ServiceUpgradeStrategy.NEW_CLUSTER
   */
  readonly upgradeStrategy?: ServiceUpgradeStrategy;
  /**
   * Keep the head pod out of the serve Service (send traffic to the workers' proxies only; useful
   * when the head runs no replicas, `rayStartParams: { 'num-cpus': '0' }`).
   * @default false
   */
  readonly excludeHeadPodFromServeService?: boolean;
  /**
   * Seconds KubeRay waits before deleting the old cluster after an upgrade.
   * @default 60
   */
  readonly clusterDeletionDelaySeconds?: number;
  /**
   * Network isolation of the service's clusters (and where the KubeRay operator runs). Clients of
   * the serve port are declared on `connections`: `service.connections.allowFrom(NetworkPeer.namespace('web'), RayPort.SERVE)`.
   * @default - the cluster's pods reach each other and DNS; the operator reaches the dashboard and the head's serve port
   */
  readonly network?: NetworkOptions;
  /**
   * Extra labels of the RayService (KubeRay copies them to its RayClusters; the `tenant` label is always set).
   * @default - only `tenant`
   */
  readonly labels?: Record<string, string>;
  /**
   * ArgoCD sync waves.
   * @default { networkPolicy: -1, workload: 0 }
   */
  readonly syncWaves?: WorkloadSyncWaves;
}

const RayServiceResource = withKeptRender(RayService);
const OPERATOR_HEAD_PORTS = [
  { protocol: 'TCP', port: RAY_PORTS.dashboard },
  { protocol: 'TCP', port: RAY_PORTS.serve },
];

const SECURE_TENANT_RAY_SERVICE = Symbol.for('cdk8s-secure-ray.SecureTenantRayService');

/**
 * A KubeRay `RayService` for one tenant, secure by construction: the clusters KubeRay creates for
 * it (one at a time, two during an upgrade) are rendered by the same code as
 * {@link SecureTenantRayCluster} (tenant isolation, the restricted standard, token authentication)
 * with a head port named `serve` (8000) so the serve Service has a port; its NetworkPolicies select
 * every cluster of the service by the label `secure-ray.io/workload`, let the KubeRay operator reach
 * the dashboard and the head's Serve health check, and nothing else in until declared on
 * `connections`. The serve Service is a ClusterIP Service (exposure needs the tenant's
 * `allowExposure`); `NewClusterWithIncrementalUpgrade` is refused.
 *
 * At synth it judges what it rendered, after escape-hatch patches, with the rules of
 * `secure-ray check`. Escape hatch: `service.resource` (id `Resource`).
 */
export class SecureTenantRayService extends Construct {
  /** True when `x` is a SecureTenantRayService, from this copy of the library or another one. */
  public static isSecureTenantRayService(x: unknown): x is SecureTenantRayService {
    return typeof x === 'object' && x !== null && SECURE_TENANT_RAY_SERVICE in x;
  }

  /** The RayService (the `cdk8s import`ed L1, at construct id `Resource`). */
  public readonly resource: RayService;
  /** The service's NetworkPolicies. */
  public readonly networkPolicy: RayClusterNetworkPolicy;
  /** The RayService's name. */
  public readonly name: string;
  /** The tenant. */
  public readonly tenant: TenantProfile;
  /**
   * Who may reach the service's clusters and whom they may reach, besides their own pods, DNS
   * and the operator: nothing until declared (`RayPort.SERVE` for the Serve clients).
   */
  public readonly connections: ClusterConnections = new ClusterConnections(() => this.networkPolicy.ensureHeadPolicy());
  /** The pinned ports, in pinned-ports mode. */
  public readonly pinnedPorts?: PinnedPortPlan;

  constructor(scope: Construct, id: string, props: SecureTenantRayServiceProps) {
    super(scope, id);
    Object.defineProperty(this, SECURE_TENANT_RAY_SERVICE, { value: true });
    const base = resolveWorkloadBase(this, props);
    const { tenant, where, network } = base;
    this.tenant = tenant;
    this.name = workloadName(this, where, props.name);
    declareWorkloadName(this, 'RayService', tenant.namespace, this.name);
    const serveConfigV2 = serveConfigText(where('serveConfig'), props.serveConfig);
    const strategy = enumValue(where('upgradeStrategy'), props.upgradeStrategy, ServiceUpgradeStrategy) ?? ServiceUpgradeStrategy.NEW_CLUSTER;
    const exclude = props.excludeHeadPodFromServeService ?? false;
    if (typeof exclude !== 'boolean') throw new PropsError(`${where('excludeHeadPodFromServeService')}: expected true or false, got ${describe(exclude)}`);
    const delay = optionalInt(where('clusterDeletionDelaySeconds'), props.clusterDeletionDelaySeconds, undefined, 0);
    const workload = { [LIBRARY_LABELS.workload]: `rayservice-${this.name}` };
    const waves = props.syncWaves;

    const config = resolveClusterConfig(where, tenant, props, network, {
      podLabels: workload,
      headPorts: [{ name: 'serve', containerPort: RAY_PORTS.serve }],
    });
    this.pinnedPorts = network.pinnedPorts;
    this.networkPolicy = new RayClusterNetworkPolicy(this, 'NetworkPolicy', {
      clusterName: this.name,
      namespace: tenant.namespace,
      labels: { tenant: tenant.name },
      annotations: { [SYNC_WAVE_ANNOTATION]: syncWave(where, waves, 'networkPolicy', SyncWaves.NETWORK_POLICY) },
      network,
      autoscaling: config.autoscaling !== undefined,
      connections: this.connections,
      selector: workload,
      fixedHeadIngress: [{ peers: [operatorPeer(network.operator)], ports: OPERATOR_HEAD_PORTS }],
    });

    const spec: Record<string, unknown> = {
      serveConfigV2,
      upgradeStrategy: { type: strategy },
      excludeHeadPodFromServeSvc: exclude ? true : undefined,
      rayClusterDeletionDelaySeconds: delay,
      rayClusterConfig: renderClusterSpec(config),
    };
    this.resource = new RayServiceResource(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: tenant.namespace,
        // KubeRay copies these labels to the cluster it creates: the marker makes the admission-time generators skip it.
        labels: { ...base.labels, tenant: tenant.name, [LIBRARY_MANAGED_LABEL.key]: LIBRARY_MANAGED_LABEL.value },
        annotations: { ...tenant.boundAnnotations(), ...tenant.placementAnnotations(), [SYNC_WAVE_ANNOTATION]: syncWave(where, waves, 'workload', SyncWaves.WORKLOAD) },
      },
      spec: spec as unknown as RayServiceSpec,
    });

    const verdict = new WorkloadVerdict({
      tenant,
      networkPolicy: this.networkPolicy,
      render: () => this.render(),
      checks: (json) => this.checks(json, workload),
    });
    this.node.addValidation({ validate: () => verdict.errors() });
  }

  /** The RayService as it will be synthesized (after escape-hatch patches), frozen (copy it to change it). */
  public renderedManifest(): JsonObject {
    return deepFreeze(this.render());
  }

  private render(): JsonObject {
    return (this.resource as unknown as KeptRenderObject).renderForValidation() as JsonObject;
  }

  /** The selector label on every template, the pinned ports, the serve port the policies open. */
  private checks(json: JsonObject, workload: Record<string, string>): Violation[] {
    const spec = asObject(json.spec) ?? {};
    const cluster = asObject(spec.rayClusterConfig) ?? {};
    const out: Violation[] = [
      ...checkRenderedName(json, this.name, 'RayService', RENAMED_WORKLOAD),
      ...checkTemplateLabels(clusterTemplates(cluster, 'spec.rayClusterConfig'), workload),
    ];
    if (this.pinnedPorts) out.push(...checkPinnedPorts(cluster, this.pinnedPorts, 'spec.rayClusterConfig'));
    out.push(...checkServePort(cluster, spec.serveConfigV2));
    return out;
  }
}

/** serveConfigV2 as YAML text: an object is stringified, a string must parse as one YAML mapping. */
function serveConfigText(prop: string, config: unknown): string {
  if (typeof config === 'string') {
    const doc = parseDocument(config, { uniqueKeys: true });
    if (doc.errors.length > 0) throw new PropsError(`${prop}: not valid YAML (${doc.errors[0].message.split('\n')[0]})`);
    const value = doc.toJS();
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PropsError(`${prop}: expected a YAML mapping (applications: [...])`);
    return config;
  }
  return yamlOfObject(prop, config, 'an object or a YAML string (the Ray Serve config, applications: [...])');
}

/**
 * The Serve port the NetworkPolicies open and KubeRay's health check calls: the head Ray
 * container's port named `serve` must be 8000 and serveConfigV2 must not move the proxy
 * (`http_options.port`).
 */
function checkServePort(cluster: JsonObject, serveConfig: unknown): Violation[] {
  const out: Violation[] = [];
  const template = asObject(asObject(cluster.headGroupSpec)?.template);
  const ray = asObject(asArray(asObject(template?.spec)?.containers)?.[0]);
  (asArray(ray?.ports) ?? []).forEach((p, i) => {
    const port = asObject(p);
    if (port?.name === 'serve' && port.containerPort !== RAY_PORTS.serve) {
      out.push({
        rule: 'generate-network-policies',
        path: `spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].ports[${i}].containerPort`,
        value: port.containerPort,
        message: `the head's port named "serve" must be ${RAY_PORTS.serve}: the NetworkPolicies and the operator's Serve health check use it`,
        fix: `set containerPort: ${RAY_PORTS.serve}`,
      });
    }
  });
  if (typeof serveConfig === 'string') {
    let parsed: unknown;
    try {
      parsed = parseDocument(serveConfig).toJS();
    } catch {
      parsed = undefined;
    }
    const port = asObject(asObject(parsed)?.http_options)?.port;
    if (port !== undefined && port !== RAY_PORTS.serve) {
      out.push({
        rule: 'generate-network-policies',
        path: 'spec.serveConfigV2',
        value: `http_options.port: ${JSON.stringify(port)}`,
        message: `Ray Serve must listen on ${RAY_PORTS.serve}: the NetworkPolicies, the serve Service and the operator's health check use it`,
        fix: 'remove http_options.port',
      });
    }
  }
  return out;
}
