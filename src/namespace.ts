import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { declareTenantUse } from './app-tenants';
import { SYNC_WAVE_ANNOTATION, SyncWaves } from './gitops';
import { INJECTED_RESOURCES } from './kuberay/constants';
import { isDns1123Subdomain } from './kubernetes/names';
import { Quantity } from './kubernetes/quantity';
import { DnsOptions, resolveDns } from './network/options';
import { checkBudget, ContainerDefaults, limitRangeDefaults, uncappedExtendedResources, workloadBudget } from './policy/budget';
import { formatViolation } from './policy/format';
import { dnsEgressRule } from './policy/network-policies';
import { checkTenantNamespace, ExpectedTenantNamespace } from './policy/tenant-namespace-rule';
import { ContainerEphemeralStorage, ephemeralStorageLimits, quotaHard, TenantQuota } from './quota';
import { SecureTenantRayCluster } from './secure-tenant-ray-cluster';
import { SecureTenantRayJob } from './secure-tenant-ray-job';
import { SecureTenantRayService } from './secure-tenant-ray-service';
import { TenantProfile } from './tenant';
import { describe as describeValue, MIN_PSS_VERSION, PropsError, requirePodSecurityVersion } from './validation';

/**
 * The Pod Security Standards version the namespace labels pin by default. Pinned (not `latest`)
 * so that a Kubernetes upgrade never tightens or loosens admission of running tenants silently;
 * it is the newest version the project's own `pod-security` rule implements.
 */
export const DEFAULT_POD_SECURITY_VERSION = 'v1.37';

/**
 * The oldest Pod Security Standards version `podSecurityVersion` accepts: `v1.23`, derived from the
 * checks the library implements — the newest version at which a check of the `restricted` level
 * starts being enforced (`runAsUser`, v1.23; seccomp from v1.19, `drop: [ALL]` from v1.22).
 * An older pin would admit pods the library's restricted settings refuse (at v1.18 a pod without
 * seccomp or `drop: [ALL]` is `restricted`).
 */
export const MIN_POD_SECURITY_VERSION: string = MIN_PSS_VERSION;

/** Argo CD sync waves of the namespace's objects. */
export interface TenantNamespaceSyncWaves {
  /**
   * Wave of the Namespace.
   * @default SyncWaves.NAMESPACE (-3)
   */
  readonly namespace?: number;
  /**
   * Wave of the objects inside it (quota, limits, network policies, service account). Give a
   * wave lower than the tenant's RayClusters so they exist before any Ray pod starts.
   * @default - no annotation
   */
  readonly objects?: number;
}

/** Properties of {@link TenantNamespace}. */
export interface TenantNamespaceProps {
  /** The tenant; the namespace is `tenant.namespace`. */
  readonly tenant: TenantProfile;
  /**
   * A ResourceQuota for the namespace.
   * @default - no ResourceQuota
   */
  readonly quota?: TenantQuota;
  /**
   * Ephemeral storage per container, as LimitRange entries (`max`, `default`, `defaultRequest`
   * of `ephemeral-storage`). The containers KubeRay injects state none, so they take the defaults;
   * the budget check counts them.
   * @default - no ephemeral-storage entries: containers are not capped on node-local disk
   */
  readonly ephemeralStorage?: ContainerEphemeralStorage;
  /**
   * The Pod Security Standards version of the `pod-security.kubernetes.io/*-version` labels:
   * `v1.N` from {@link MIN_POD_SECURITY_VERSION} (`v1.23`, the oldest whose restricted level checks
   * everything the library relies on) to the newest the library implements (`v1.37`), or `latest`
   * (not recommended: it moves with the cluster, so an upgrade may change what is admitted).
   * @default DEFAULT_POD_SECURITY_VERSION ('v1.37')
   */
  readonly podSecurityVersion?: string;
  /**
   * Where cluster DNS runs, for the namespace-wide DNS egress policy.
   * @default - kube-dns in kube-system on UDP and TCP 53
   */
  readonly dns?: DnsOptions;
  /**
   * Name of the ServiceAccount for Ray pods.
   * @default 'ray'
   */
  readonly serviceAccountName?: string;
  /**
   * Set when the tenant's RayClusters use KubeRay's alpha `tlsOptions` or `historyServerOptions`:
   * the containers KubeRay then injects request 50m/64Mi, so the LimitRange minimum is capped
   * there instead of at 200m/256Mi.
   * @default false
   */
  readonly kubeRayAlphaFeatures?: boolean;
  /**
   * Argo CD `argocd.argoproj.io/sync-wave` annotations.
   * @default - the Namespace at SyncWaves.NAMESPACE, the other objects at SyncWaves.GUARDRAILS
   */
  readonly syncWaves?: TenantNamespaceSyncWaves;
}

const NETWORK_POLICY = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' } as const;

/**
 * A tenant's namespace, ready before any of its RayClusters:
 *
 * - the `Namespace` (`tenant.namespace`), labelled `tenant=<name>` and with the Pod Security
 *   Admission labels `enforce`, `audit` and `warn` = `restricted`, pinned to a version;
 * - a `ResourceQuota` `tenant-quota` when `quota` is given;
 * - a `LimitRange` `tenant-container-limits` (type Container): `default` and `defaultRequest` are
 *   the tenant's `defaultCpu`/`defaultMemory`, `max` the tenant's maximums, and `min` the tenant's
 *   minimums **capped at what KubeRay injects**: the `wait-gcs-ready` init container requests
 *   200m/256Mi (and the autoscaler 500m/512Mi), containers the tenant cannot resize, so a `min`
 *   above 200m/256Mi would make the operator's worker pods fail admission. (With
 *   `kubeRayAlphaFeatures` the cap is 50m/64Mi.) The tenant's own minimums are still enforced on
 *   the containers the tenant writes, by the construct and the admission policy. Likewise the
 *   `max` must be at least 200m/256Mi (and 500m/512Mi with autoscaling) or KubeRay's pods exceed it;
 *   the `enforce-tenant-isolation` rule reports that case;
 * - a namespace-wide default-deny `NetworkPolicy` `default-deny` (all pods, Ingress and Egress,
 *   no rules) and `allow-dns-egress` (all pods may reach cluster DNS), so that a pod which starts
 *   before its cluster's own policy exists is still isolated (KubeRay issue 5030);
 * - a `ServiceAccount` (`ray` by default) with `automountServiceAccountToken: false` for Ray pods.
 *   The exception is the autoscaler: with autoscaling on, KubeRay creates the head's own
 *   ServiceAccount and Role and the autoscaler needs that token.
 *
 * The Namespace never carries `metadata.namespace`, even in a chart that has a namespace; the
 * other objects are always in the tenant's namespace.
 */
export class TenantNamespace extends Construct {
  /** The Namespace. */
  public readonly namespace: ApiObject;
  /** The ResourceQuota, when a quota was given. */
  public readonly resourceQuota?: ApiObject;
  /** The LimitRange. */
  public readonly limitRange: ApiObject;
  /** The namespace-wide default-deny NetworkPolicy. */
  public readonly defaultDeny: ApiObject;
  /** The DNS egress NetworkPolicy for every pod. */
  public readonly dnsEgress: ApiObject;
  /** The ServiceAccount for Ray pods. */
  public readonly serviceAccount: ApiObject;
  /** The namespace name. */
  public readonly namespaceName: string;

  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(scope, id);
    if (props === null || typeof props !== 'object' || !TenantProfile.isTenantProfile(props.tenant)) {
      throw new PropsError(`TenantNamespace(${id}).tenant: expected a TenantProfile, got ${describeValue(props?.tenant)}`);
    }
    const tenant = props.tenant;
    const where = `TenantNamespace(${tenant.name})`;
    const ns = tenant.namespace;
    this.namespaceName = ns;

    const version = requirePodSecurityVersion(`${where}.podSecurityVersion`, props.podSecurityVersion ?? DEFAULT_POD_SECURITY_VERSION);
    const saName = props.serviceAccountName ?? 'ray';
    if (!isDns1123Subdomain(saName)) {
      throw new PropsError(`${where}.serviceAccountName: ${JSON.stringify(saName)} is not a DNS-1123 subdomain`);
    }
    const waves = { namespace: SyncWaves.NAMESPACE, objects: SyncWaves.GUARDRAILS, ...props.syncWaves };
    for (const k of ['namespace', 'objects'] as const) {
      const w = waves[k];
      if (w !== undefined && !Number.isInteger(w)) {
        throw new PropsError(`${where}.syncWaves.${k}: expected an integer, got ${describeValue(w)}`);
      }
    }
    const annotations = (wave: number) => ({ [SYNC_WAVE_ANNOTATION]: String(wave) });
    const objectMeta = (name: string) => ({
      name,
      namespace: ns,
      labels: { tenant: tenant.name },
      annotations: annotations(waves.objects),
    });

    // Namespace: cluster-scoped.
    const pss: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      pss[`pod-security.kubernetes.io/${mode}`] = 'restricted';
      pss[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
    this.namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: { name: ns, labels: { tenant: tenant.name, ...pss }, annotations: annotations(waves.namespace) },
    });
    if (Chart.of(this).namespace !== undefined) {
      // cdk8s stamps the chart's namespace on every ApiObject; a Namespace is cluster-scoped.
      this.namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }

    // ResourceQuota.
    const hard = props.quota === undefined ? undefined : quotaHard(where, props.quota);
    if (hard !== undefined) {
      this.resourceQuota = new k8s.KubeResourceQuota(this, 'ResourceQuota', {
        metadata: objectMeta('tenant-quota'),
        spec: { hard: Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, typeof v === 'number' ? k8s.Quantity.fromNumber(v) : k8s.Quantity.fromString(v)])) },
      });
    }

    // LimitRange.
    // The smallest requests of the containers KubeRay injects and the tenant cannot resize:
    // wait-gcs-ready (200m/256Mi); with the alpha features, the mTLS init container and the collector (50m/64Mi).
    const floor = props.kubeRayAlphaFeatures ? INJECTED_RESOURCES.tlsInit.requests : INJECTED_RESOURCES.waitGcsReady.requests;
    const b = tenant.bounds;
    const q = (v: string) => k8s.Quantity.fromString(v);
    const eph = ephemeralStorageLimits(where, props.ephemeralStorage);
    const storage = (v: string | undefined): Record<string, k8s.Quantity> => (v === undefined ? {} : { 'ephemeral-storage': q(v) });
    this.limitRange = new k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: objectMeta('tenant-container-limits'),
      spec: {
        limits: [{
          type: 'Container',
          default: { cpu: q(tenant.defaultCpu), memory: q(tenant.defaultMemory), ...storage(eph?.defaultLimit) },
          defaultRequest: { cpu: q(tenant.defaultCpu), memory: q(tenant.defaultMemory), ...storage(eph?.defaultRequest) },
          max: { cpu: q(b.maxCpu), memory: q(b.maxMemory), ...storage(eph?.max) },
          min: { cpu: q(smaller(b.minCpu, floor.cpu)), memory: q(smaller(b.minMemory, floor.memory)) },
        }],
      },
    });

    // Network: default deny, then DNS for every pod.
    this.defaultDeny = new ApiObject(this, 'DefaultDeny', {
      ...NETWORK_POLICY,
      metadata: objectMeta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    const dns = resolveDns(`${where}.dns`, props.dns);
    declareTenantUse(this, { tenants: [tenant], dns, dnsProp: 'dns' });
    const dnsSpec = { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgressRule(dns)] };
    this.dnsEgress = new ApiObject(this, 'DnsEgress', {
      ...NETWORK_POLICY,
      metadata: objectMeta('allow-dns-egress'),
      spec: dnsSpec,
    });

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: objectMeta(saName),
      automountServiceAccountToken: false,
    });

    // What was generated, before any patch: the rendered objects are held to it at synth.
    const expected: ExpectedTenantNamespace = {
      namespace: ns,
      tenant: tenant.name,
      quotaHard: hard && Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, String(v)])),
      containerLimits: { max: { cpu: b.maxCpu, memory: b.maxMemory, ...(eph ? { 'ephemeral-storage': eph.max } : {}) } },
      defaultDeny: { name: 'default-deny', namespace: ns, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
      dnsEgress: { name: 'allow-dns-egress', namespace: ns, spec: JSON.parse(JSON.stringify(dnsSpec)) },
    };
    this.node.addValidation({ validate: () => this.validateRendered(expected) });

    if (this.resourceQuota) {
      const quota = this.resourceQuota;
      this.node.addValidation({ validate: () => this.checkBudget(tenant, quota) });
    }
  }

  /**
   * Judges what was rendered, after escape-hatch patches (as the cluster construct judges its
   * RayCluster): restricted Pod Security labels at a version from the floor, the default-deny and
   * DNS policies as generated, no token for Ray pods, the LimitRange and quota not loosened.
   */
  private validateRendered(expected: ExpectedTenantNamespace): string[] {
    const json = (o: ApiObject) => o.toJson() as Record<string, any>;
    return checkTenantNamespace({
      namespace: json(this.namespace),
      quota: this.resourceQuota ? json(this.resourceQuota) : undefined,
      limitRange: json(this.limitRange),
      defaultDeny: json(this.defaultDeny),
      dnsEgress: json(this.dnsEgress),
      serviceAccount: json(this.serviceAccount),
    }, expected).map(formatViolation);
  }

  /**
   * The budget check no admission policy can do before apply: the worst case of every
   * SecureTenantRayCluster of this tenant in the app (head plus each group's maxReplicas ×
   * its pod, injected containers and GPUs included) must fit in the ResourceQuota.
   */
  private checkBudget(tenant: TenantProfile, quota: ApiObject): string[] {
    const clusters = this.node.root.node.findAll()
      .filter((c): c is SecureTenantRayCluster | SecureTenantRayJob | SecureTenantRayService => SecureTenantRayCluster.isSecureTenantRayCluster(c)
        || SecureTenantRayJob.isSecureTenantRayJob(c) || SecureTenantRayService.isSecureTenantRayService(c))
      .filter((c) => c.tenant.name === tenant.name && c.tenant.namespace === tenant.namespace);
    const hard = (ApiObject.of(quota).toJson() as { spec?: { hard?: Record<string, string | number> } }).spec?.hard ?? {};
    // What a container does not state, the LimitRange (as rendered) fills in at admission.
    const defaults = limitRangeDefaults(ApiObject.of(this.limitRange).toJson());
    const budgets = clusters.map((c) => {
      // cdk8s validates once per chart it synthesizes; a render's budget does not change.
      const manifest = c.renderedManifest();
      const key = defaultsKey(defaults);
      let kept = BUDGETS.get(manifest);
      if (!kept || kept.key !== key) BUDGETS.set(manifest, kept = { key, budget: workloadBudget(manifest, defaults) });
      return kept.budget;
    });
    const shares = (list: readonly { cluster: string; used: string }[]) => list.map((x) => `${x.cluster} ${x.used}`).join(', ');
    return [
      ...checkBudget(budgets, hard).map((o) => `budget: the worst case of tenant "${tenant.name}"'s Ray workloads needs ${o.key} ${o.used}, `
        + `more than its ResourceQuota allows (${o.hard}). Shares: ${shares(o.shares)}. `
        + 'Fix: lower maxReplicas or resources of a cluster, or raise the tenant\'s quota.'),
      ...uncappedExtendedResources(budgets, hard).map((u) => `budget: tenant "${tenant.name}"'s Ray workloads request ${u.resource} `
        + `(worst case ${u.used}; ${shares(u.shares)}), but its ResourceQuota has no ${u.key}: the quota does not cap it. `
        + `Fix: add it to the quota (quota.extended: { '${u.resource}': '${u.used}' }), or remove it from the clusters.`),
    ];
  }
}

/** A LimitRange's defaults as a cache key. */
function defaultsKey(d: ContainerDefaults): string {
  const text = (m: ReadonlyMap<string, Quantity> | undefined) => [...m ?? []].map(([k, v]) => `${k}=${v.toString()}`).sort().join(',');
  return `${text(d.requests)};${text(d.limits)}`;
}

/** Each rendered workload's worst case (renders are kept and frozen while nothing changes). */
const BUDGETS = new WeakMap<object, { readonly key: string; readonly budget: ReturnType<typeof workloadBudget> }>();

function smaller(a: string, b: string): string {
  return Quantity.parse(a).lessOrEqual(Quantity.parse(b)) ? a : b;
}
