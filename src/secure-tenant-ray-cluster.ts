import { Construct } from 'constructs';
import { declareTenantUse } from './app-tenants';
import { declareWorkloadName } from './app-workloads';
import { renderClusterSpec } from './cluster/cluster-spec';
import { RayClusterConfig } from './cluster/config';
import { resolveClusterConfig } from './cluster/resolve';
import { WorkloadVerdict } from './cluster/verdict';
import { ClusterSyncWaves, SYNC_WAVE_ANNOTATION, SyncWaves } from './gitops';
import { RayCluster, RayClusterSpec } from '../imports/ray.io';
import { asObject, JsonObject } from './kubernetes/json';
import { isDns1123Label } from './kubernetes/names';
import { RayClusterNetworkPolicy } from './network/cluster-network-policy';
import { ClusterConnections } from './network/connections';
import { NetworkOptions, resolveNetworkOptions } from './network/options';
import { LIBRARY_MANAGED_LABEL } from './policy/library-labels';
import { checkPinnedPorts, checkRenderedName, checkTemplateLabels, clusterTemplates } from './policy/network-policy-rule';
import { PinnedPortPlan } from './policy/pinned-ports';
import { Violation } from './policy/types';
import { deepFreeze, KeptRenderObject, withKeptRender } from './shared-render';
import { TenantProfile } from './tenant';
import { checkLabels, describe, optionalInt, PropsError, requireString } from './validation';

const SECURE_TENANT_RAY_CLUSTER = Symbol.for('cdk8s-secure-ray.SecureTenantRayCluster');

/** The imported RayCluster L1, rendered once per synthesis (validation and output share the render). */
const RayClusterResource = withKeptRender(RayCluster);

/** Properties of {@link SecureTenantRayCluster}. */
export interface SecureTenantRayClusterProps extends RayClusterConfig {
  /** The platform's definition of the tenant that owns the cluster. */
  readonly tenant: TenantProfile;
  /**
   * The RayCluster's name (a DNS-1123 label of at most 63 characters).
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Network isolation options.
   * @default - pods of the cluster reach each other on every port; DNS egress; nothing else
   */
  readonly network?: NetworkOptions;
  /**
   * Extra labels of the RayCluster (the `tenant` label and the library's marker
   * `secure-ray.io/managed-by: cdk8s-secure-ray` are always set: the admission-time generators of
   * NetworkPolicies skip clusters that carry it, as they come with their own).
   * @default - only `tenant` and `secure-ray.io/managed-by`
   */
  readonly labels?: Record<string, string>;
  /**
   * ArgoCD sync waves (annotation `argocd.argoproj.io/sync-wave`): policies before the cluster.
   * @default { networkPolicy: -1, rayCluster: 0 }
   */
  readonly syncWaves?: ClusterSyncWaves;
}

/**
 * A KubeRay `RayCluster` for one tenant, secure by construction:
 *
 * - tenant isolation: the `tenant` label, bound and placement annotations on the RayCluster; on every pod
 *   template the tenant label, a nodeSelector for the tenant's nodes and a toleration of its taint;
 *   every container's CPU and memory within the tenant's bounds;
 * - the `restricted` Pod Security Standard on every container that will run, including the
 *   `autoscaler` sidecar KubeRay injects (its securityContext is set explicitly);
 * - a NetworkPolicy that lets the cluster's pods reach each other and DNS, and nothing else.
 *
 * What the construct adds never overwrites an explicit value. At synth it validates what it
 * rendered (after escape-hatch patches) with the same rules as `secure-ray check`, and fails with
 * every violation: field path, value, bound and fix.
 *
 * Escape hatch: `ApiObject.of(cluster.resource)` (construct id `Resource`) or
 * `cluster.resource.addJsonPatch(...)`.
 */
export class SecureTenantRayCluster extends Construct {
  /**
   * True when `x` is a SecureTenantRayCluster, from this copy of the library or another one (an
   * app may resolve two copies; `instanceof` would then say no).
   */
  public static isSecureTenantRayCluster(x: unknown): x is SecureTenantRayCluster {
    return typeof x === 'object' && x !== null && SECURE_TENANT_RAY_CLUSTER in x;
  }

  /** The RayCluster (the `cdk8s import`ed L1, at construct id `Resource`). */
  public readonly resource: RayCluster;
  /** The cluster's NetworkPolicy. */
  public readonly networkPolicy: RayClusterNetworkPolicy;
  /** The RayCluster's name. */
  public readonly name: string;
  /** The tenant. */
  public readonly tenant: TenantProfile;
  /**
   * Who may reach the cluster and whom it may reach, besides its own pods and DNS: nothing until
   * declared (`cluster.connections.allowFrom(NetworkPeer.namespace('monitoring'), RayPort.METRICS)`).
   */
  public readonly connections: ClusterConnections = new ClusterConnections(() => this.networkPolicy.ensureHeadPolicy());
  /** The pinned ports, in {@link NetworkMode.PINNED_PORTS}. */
  public readonly pinnedPorts?: PinnedPortPlan;
  /** The Ray image its pods run (a RayJob's submitter on this cluster runs it too). */
  public readonly image: string;
  /** The UID its pods run as. */
  public readonly runAsUser: number;
  /** The GID (and fsGroup) its pods run as. */
  public readonly runAsGroup: number;

  constructor(scope: Construct, id: string, props: SecureTenantRayClusterProps) {
    super(scope, id);
    Object.defineProperty(this, SECURE_TENANT_RAY_CLUSTER, { value: true });
    const path = this.node.path;
    if (props === null || typeof props !== 'object') throw new PropsError(`${path}: expected props { tenant, ... }, got ${describe(props)}`);
    if (!TenantProfile.isTenantProfile(props.tenant)) {
      throw new PropsError(`${path}: props.tenant must be a TenantProfile (new TenantProfile({...})), got ${describe(props.tenant)}`);
    }
    const tenant = props.tenant;
    this.tenant = tenant;
    const where = (prop: string) => `${path}: ${prop}`;
    if (props.name !== undefined) requireString(where('name'), props.name, isDns1123Label, 'a DNS-1123 label of at most 63 characters');
    const network = resolveNetworkOptions(where('network'), props.network);
    declareTenantUse(this, { tenants: [tenant], dns: network.dns, dnsProp: 'network.dns' });
    const config = resolveClusterConfig(where, tenant, props, network);
    const labels = checkLabels(where('labels'), props.labels);
    const waves = props.syncWaves ?? {};
    if (waves === null || typeof waves !== 'object') throw new PropsError(`${where('syncWaves')}: expected { networkPolicy?, rayCluster? }, got ${describe(waves)}`);
    const wave = (k: keyof ClusterSyncWaves, d: number) => String(optionalInt(where(`syncWaves.${k}`), waves[k], d, -1000));
    this.pinnedPorts = network.pinnedPorts;
    this.image = config.image;
    this.runAsUser = config.runAsUser;
    this.runAsGroup = config.runAsGroup;

    this.resource = new RayClusterResource(this, 'Resource', {
      metadata: {
        ...(props.name !== undefined ? { name: props.name } : {}),
        namespace: tenant.namespace,
        // The marker tells the admission-time generators (the Kyverno GeneratingPolicy, the legacy
        // ClusterPolicy) that this cluster's NetworkPolicies are rendered here: they skip it.
        labels: { ...labels, tenant: tenant.name, [LIBRARY_MANAGED_LABEL.key]: LIBRARY_MANAGED_LABEL.value },
        annotations: { ...tenant.boundAnnotations(), ...tenant.placementAnnotations(), [SYNC_WAVE_ANNOTATION]: wave('rayCluster', SyncWaves.WORKLOAD) },
      },
      spec: renderClusterSpec(config) as RayClusterSpec,
    });
    this.name = this.resource.name;
    declareWorkloadName(this, 'RayCluster', tenant.namespace, this.name);

    this.networkPolicy = new RayClusterNetworkPolicy(this, 'NetworkPolicy', {
      clusterName: this.name,
      namespace: tenant.namespace,
      labels: { tenant: tenant.name },
      annotations: { [SYNC_WAVE_ANNOTATION]: wave('networkPolicy', SyncWaves.NETWORK_POLICY) },
      network,
      autoscaling: config.autoscaling !== undefined,
      connections: this.connections,
    });

    const verdict = new WorkloadVerdict({
      tenant,
      networkPolicy: this.networkPolicy,
      render: () => this.render(),
      checks: (json) => this.checks(json),
    });
    this.node.addValidation({ validate: () => verdict.errors() });
  }

  /**
   * The RayCluster as it will be synthesized (after escape-hatch patches), as plain JSON, for
   * validations: rendered once while nothing changes, and frozen (copy it to change it).
   */
  public renderedManifest(): JsonObject {
    return deepFreeze(this.render());
  }

  /** The kept render, unfrozen (the rules only read it). */
  private render(): JsonObject {
    return (this.resource as unknown as KeptRenderObject).renderForValidation() as JsonObject;
  }

  /** The kind's own checks: the name the policies select by, and the pinned ports. */
  private checks(json: JsonObject): Violation[] {
    const violations: Violation[] = [...checkRenderedName(json, this.name, 'RayCluster',
      'its pods would carry another ray.io/cluster label than its NetworkPolicies select')];
    if (this.pinnedPorts) violations.push(...checkPinnedPorts(asObject(json.spec) ?? {}, this.pinnedPorts));
    violations.push(...checkTemplateLabels(clusterTemplates(asObject(json.spec) ?? {}, 'spec'), {}));
    return violations;
  }
}
