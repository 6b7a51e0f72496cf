import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { declareTenantUse } from '../app-tenants';
import { SYNC_WAVE_ANNOTATION, SyncWaves } from '../gitops';
import { isDns1123Label, isDns1123Subdomain } from '../kubernetes/names';
import { ApiServerEgress, DnsOptions, resolveApiServer, resolveDns } from '../network/options';
import {
  AdmissionIdentities, admissionRuleSets, DEFAULT_KUBERAY_OPERATOR, DEFAULT_PLATFORM_SERVICE_ACCOUNT, kyvernoValidatingPolicy,
  rayClusterNetworkPolicyGenerator, serviceAccountUsername, validatingAdmissionPolicy, WORKLOAD_CONTROLLERS,
} from '../policy/cel';
import { tenantSetProblems } from '../policy/tenant-set';
import { TenantProfile } from '../tenant';
import { describe, enumValue, listAt, PropsError, requireString } from '../validation';
import { KyvernoClusterPolicyOptions, tenantAdmissionPolicyManifest } from './kyverno-policy';

/** Which admission engine enforces the tenant rules. */
export enum AdmissionEngine {
  /**
   * Kubernetes ValidatingAdmissionPolicies and bindings (`admissionregistration.k8s.io/v1`,
   * Kubernetes 1.30+): no webhook to run. The default.
   */
  VALIDATING_ADMISSION_POLICY = 'ValidatingAdmissionPolicy',
  /** Kyverno `policies.kyverno.io/v1` ValidatingPolicies (Kyverno 1.17+): the same CEL rules, with Kyverno's reports. */
  KYVERNO_VALIDATING_POLICY = 'KyvernoValidatingPolicy',
  /**
   * Legacy: the Kyverno `kyverno.io/v1` ClusterPolicy of {@link TenantAdmissionPolicy}, for
   * Kyverno before 1.17. It judges RayClusters (and generates their NetworkPolicy), not pods,
   * Services or NetworkPolicies; Kyverno 1.19 answers it with a deprecation warning.
   */
  KYVERNO_CLUSTER_POLICY = 'KyvernoClusterPolicy',
}

/** What a failed validation does. */
export enum AdmissionAction {
  /** Refuse the request. */
  DENY = 'Deny',
  /** Admit it with a warning to the client (not together with DENY). */
  WARN = 'Warn',
  /** Admit it and record the failure in the audit log (Kyverno: in its reports). */
  AUDIT = 'Audit',
}

/** A Kubernetes service account. */
export interface ServiceAccountRef {
  /** Its namespace. */
  readonly namespace: string;
  /** Its name. */
  readonly name: string;
}

/** The identities that act for the platform in tenant namespaces. */
export interface PlatformIdentities {
  /**
   * Service accounts, e.g. the Argo CD application controller.
   * @default - `argocd/argocd-application-controller` when no identity at all is given, else none
   */
  readonly serviceAccounts?: readonly ServiceAccountRef[];
  /**
   * Usernames as the API server authenticates them.
   * @default - none
   */
  readonly users?: readonly string[];
  /**
   * Groups, e.g. the platform team's group from your identity provider.
   * @default - none
   */
  readonly groups?: readonly string[];
}

/**
 * The Kyverno GeneratingPolicy that writes the NetworkPolicies of RayClusters made outside this
 * library (with `kubectl`, Helm, another tool, or by KubeRay for a hand-made RayJob or RayService):
 * the policies the library renders for a cluster without declared connections. RayClusters this
 * library made carry the label `secure-ray.io/managed-by: cdk8s-secure-ray` and are skipped.
 */
export interface NetworkPolicyGenerationOptions {
  /**
   * DNS egress of the generated policies (use the same as the clusters' `network.dns`).
   * @default - kube-dns in kube-system on UDP and TCP 53
   */
  readonly dns?: DnsOptions;
  /**
   * API-server egress of clusters with the autoscaler (their `<cluster>-head` policy; use the same
   * as the clusters' `network.apiServer`). Without it, such clusters cannot scale.
   * @default - none
   */
  readonly apiServer?: ApiServerEgress;
  /**
   * Kyverno's background controller, which writes the generated NetworkPolicies: it joins the
   * identities that may write NetworkPolicies in tenant namespaces. Kyverno also needs RBAC to
   * create, update and delete `networkpolicies` (its Helm chart's
   * `backgroundController.rbac.clusterRole.extraResources`).
   * @default { namespace: 'kyverno', name: 'kyverno-background-controller' }
   */
  readonly kyvernoServiceAccount?: ServiceAccountRef;
}

/** Properties of {@link TenantAdmission} and {@link tenantAdmissionManifests}. */
export interface TenantAdmissionProps {
  /** Every tenant of the platform. */
  readonly tenants: readonly TenantProfile[];
  /**
   * The admission engine.
   * @default AdmissionEngine.VALIDATING_ADMISSION_POLICY
   */
  readonly engine?: AdmissionEngine;
  /**
   * The KubeRay operator's service account: the only identity (with the built-in workload
   * controllers) that may set `ray.io/*` labels on pods and pod templates in tenant namespaces.
   * KubeRay's Helm chart names it `kuberay-operator`, in the namespace the chart is installed in.
   * A wrong value fails closed: the operator's pods are refused, with the policy's message.
   * @default { namespace: 'kuberay-system', name: 'kuberay-operator' }
   */
  readonly kubeRayOperator?: ServiceAccountRef;
  /**
   * Who may create, change and delete NetworkPolicies in tenant namespaces: the platform's
   * deployer, never the tenants' (NetworkPolicies add up: one permissive policy undoes isolation).
   * @default { serviceAccounts: [{ namespace: 'argocd', name: 'argocd-application-controller' }] }
   */
  readonly platformIdentities?: PlatformIdentities;
  /**
   * What a failed validation does (the bindings' or the Kyverno policies' `validationActions`).
   * Roll out with `[WARN, AUDIT]`, then enforce.
   * @default [AdmissionAction.DENY]
   */
  readonly validationActions?: readonly AdmissionAction[];
  /**
   * Argo CD sync wave of every object.
   * @default SyncWaves.ADMISSION (-4)
   */
  readonly syncWave?: number;
  /**
   * Also render a Kyverno GeneratingPolicy (Kyverno 1.17+, beside either CEL engine) that writes
   * the NetworkPolicies of RayClusters made outside this library. Not with
   * `AdmissionEngine.KYVERNO_CLUSTER_POLICY`, whose ClusterPolicy generates them itself.
   * @default - none
   */
  readonly networkPolicyGeneration?: NetworkPolicyGenerationOptions;
  /**
   * Options of the legacy ClusterPolicy (only with `AdmissionEngine.KYVERNO_CLUSTER_POLICY`).
   * @default - the ClusterPolicy's defaults
   */
  readonly clusterPolicy?: KyvernoClusterPolicyOptions;
}

function serviceAccount(prop: string, value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PropsError(`${prop}: expected { namespace, name }, got ${describe(value)}`);
  }
  const sa = value as ServiceAccountRef;
  const ns = requireString(`${prop}.namespace`, sa.namespace, isDns1123Label, 'a namespace name (a DNS-1123 label)');
  const name = requireString(`${prop}.name`, sa.name, isDns1123Subdomain, 'a service account name (a DNS-1123 subdomain)');
  return serviceAccountUsername(ns, name);
}

const nonEmpty = (v: string) => v.trim() === v && v !== '';

/** The Kyverno background controller's username, when a GeneratingPolicy is rendered. */
function generatorUser(props: TenantAdmissionProps): string | undefined {
  const g = props.networkPolicyGeneration;
  if (g === undefined) return undefined;
  if (g === null || typeof g !== 'object' || Array.isArray(g)) {
    throw new PropsError(`TenantAdmission.networkPolicyGeneration: expected { dns?, apiServer?, kyvernoServiceAccount? }, got ${describe(g)}`);
  }
  return serviceAccount('TenantAdmission.networkPolicyGeneration.kyvernoServiceAccount', g.kyvernoServiceAccount ?? DEFAULT_KYVERNO_BACKGROUND_CONTROLLER);
}

/** Kyverno's Helm chart: the background controller's service account in the namespace `kyverno`. */
const DEFAULT_KYVERNO_BACKGROUND_CONTROLLER: ServiceAccountRef = { namespace: 'kyverno', name: 'kyverno-background-controller' };

function identities(props: TenantAdmissionProps): AdmissionIdentities {
  const p = props.platformIdentities;
  if (p !== undefined && (p === null || typeof p !== 'object' || Array.isArray(p))) {
    throw new PropsError(`TenantAdmission.platformIdentities: expected { serviceAccounts?, users?, groups? }, got ${describe(p)}`);
  }
  const sas = p === undefined ? [DEFAULT_PLATFORM_SERVICE_ACCOUNT] : listAt('TenantAdmission.platformIdentities.serviceAccounts', p.serviceAccounts);
  const users = [
    ...sas.map((sa, i) => serviceAccount(`TenantAdmission.platformIdentities.serviceAccounts[${i}]`, sa)),
    ...listAt('TenantAdmission.platformIdentities.users', p?.users)
      .map((u, i) => requireString(`TenantAdmission.platformIdentities.users[${i}]`, u, nonEmpty, 'a username')),
  ];
  const groups = listAt('TenantAdmission.platformIdentities.groups', p?.groups)
    .map((g, i) => requireString(`TenantAdmission.platformIdentities.groups[${i}]`, g, nonEmpty, 'a group name'));
  if (users.length + groups.length === 0) {
    throw new PropsError('TenantAdmission.platformIdentities: name at least one service account, user or group; '
      + 'otherwise nobody could write the NetworkPolicies of tenant namespaces');
  }
  const generator = generatorUser(props);
  return {
    kubeRayOperator: serviceAccount('TenantAdmission.kubeRayOperator', props.kubeRayOperator ?? DEFAULT_KUBERAY_OPERATOR),
    workloadControllers: WORKLOAD_CONTROLLERS,
    platformUsers: [...new Set(users)],
    platformGroups: [...new Set(groups)],
    ...(generator ? { networkPolicyGenerators: [generator] } : {}),
  };
}

function actionsOf(props: TenantAdmissionProps): AdmissionAction[] {
  const actions = props.validationActions === undefined ? [AdmissionAction.DENY] : [...listAt('TenantAdmission.validationActions', props.validationActions)];
  actions.forEach((a, i) => enumValue(`TenantAdmission.validationActions[${i}]`, a, AdmissionAction));
  if (actions.length === 0 || new Set(actions).size !== actions.length) {
    throw new PropsError(`TenantAdmission.validationActions: expected a non-empty list without repeats, got ${JSON.stringify(actions)}`);
  }
  if (actions.includes(AdmissionAction.DENY) && actions.includes(AdmissionAction.WARN)) {
    throw new PropsError('TenantAdmission.validationActions: DENY and WARN may not be used together (a denied request gets the message anyway)');
  }
  return actions;
}

/**
 * The manifests {@link TenantAdmission} renders, as plain objects (no cdk8s): for the CEL engines,
 * per tenant a pod policy, a pod-label policy and a Ray policy, and platform-wide a Service policy
 * (tenants without exposure) and a NetworkPolicy policy — each a ValidatingAdmissionPolicy with its
 * binding, or a Kyverno ValidatingPolicy — and, with `networkPolicyGeneration`, the Kyverno
 * GeneratingPolicy; for the legacy engine, the ClusterPolicy. Throws a {@link PropsError} on bad
 * props.
 */
export function tenantAdmissionManifests(props: TenantAdmissionProps): any[] {
  if (props === null || typeof props !== 'object') throw new PropsError(`TenantAdmission: expected props { tenants, ... }, got ${describe(props)}`);
  const tenants = listAt('TenantAdmission.tenants', props.tenants);
  if (tenants.length === 0) throw new PropsError('TenantAdmission.tenants: expected a non-empty list of TenantProfile');
  const seen = new Map<string, string>();
  tenants.forEach((t, i) => {
    if (!TenantProfile.isTenantProfile(t)) throw new PropsError(`TenantAdmission.tenants[${i}]: expected a TenantProfile, got ${describe(t)}`);
    for (const key of [`tenant "${t.name}"`, `namespace "${t.namespace}"`]) {
      if (seen.has(key)) throw new PropsError(`TenantAdmission.tenants[${i}]: ${key} is already used by tenants[${seen.get(key)}]`);
      seen.set(key, String(i));
    }
  });
  // No two tenants may share a namespace, node label or taint (policy/tenant-set.ts).
  const problems = tenantSetProblems(tenants.map((t) => t.toDefinition()));
  if (problems.length > 0) throw new PropsError(`TenantAdmission.tenants: ${problems.map((p) => `${p.message}. Fix: ${p.fix}`).join('; ')}`);
  const engine = enumValue('TenantAdmission.engine', props.engine, AdmissionEngine) ?? AdmissionEngine.VALIDATING_ADMISSION_POLICY;
  const wave = props.syncWave ?? SyncWaves.ADMISSION;
  if (!Number.isInteger(wave)) throw new PropsError(`TenantAdmission.syncWave: expected an integer, got ${describe(wave)}`);
  const actions = actionsOf(props);
  const ids = identities(props);
  let manifests: any[];
  if (engine === AdmissionEngine.KYVERNO_CLUSTER_POLICY) {
    if (props.validationActions !== undefined) {
      throw new PropsError('TenantAdmission.validationActions: the legacy ClusterPolicy takes clusterPolicy.failureAction instead');
    }
    if (props.networkPolicyGeneration !== undefined) {
      throw new PropsError('TenantAdmission.networkPolicyGeneration: the legacy ClusterPolicy generates the NetworkPolicies itself (clusterPolicy.dns, clusterPolicy.apiServer)');
    }
    manifests = [tenantAdmissionPolicyManifest({ ...props.clusterPolicy, tenants })];
  } else {
    if (props.clusterPolicy !== undefined) throw new PropsError('TenantAdmission.clusterPolicy: only used with AdmissionEngine.KYVERNO_CLUSTER_POLICY');
    const sets = admissionRuleSets(tenants.map((t) => t.toDefinition()), ids);
    manifests = engine === AdmissionEngine.VALIDATING_ADMISSION_POLICY
      ? sets.flatMap((s) => validatingAdmissionPolicy(s, actions))
      : sets.map((s) => kyvernoValidatingPolicy(s, actions));
    const g = props.networkPolicyGeneration;
    if (g !== undefined) {
      manifests.push(rayClusterNetworkPolicyGenerator({
        tenants: tenants.map((t) => t.toDefinition()),
        dns: resolveDns('TenantAdmission.networkPolicyGeneration.dns', g.dns),
        apiServer: resolveApiServer('TenantAdmission.networkPolicyGeneration.apiServer', g.apiServer),
      }));
    }
  }
  for (const m of manifests) m.metadata.annotations = { ...m.metadata.annotations, [SYNC_WAVE_ANNOTATION]: String(wave) };
  return manifests;
}

/**
 * The platform's admission guardrails, installed once, before any tenant workload: what runs in
 * a tenant's namespace is held to the tenant's rules whoever creates it — a person, a Job
 * controller, the KubeRay operator, a pod KubeRay builds from a RayCluster made elsewhere.
 *
 * With the CEL engines (`VALIDATING_ADMISSION_POLICY`, the default, or
 * `KYVERNO_VALIDATING_POLICY`), cluster-scoped objects named `secure-ray-*`:
 *
 * - per tenant, `secure-ray-pods-<tenant>`: every Pod created, or whose spec changes (ephemeral
 *   containers, resize), in the tenant's namespace runs on the tenant's nodes only, tolerates only
 *   its taint (the GPU taint only with GPUs), and every container stays within its CPU, memory
 *   and extended-resource bounds, without `NVIDIA_VISIBLE_DEVICES` unless it requests GPUs;
 * - per tenant, `secure-ray-pod-labels-<tenant>`: no `tenant` label but the tenant's, and
 *   `ray.io/*` and `secure-ray.io/*` labels on pods and pod templates only from the KubeRay
 *   operator (and the built-in workload controllers copying guarded templates);
 * - per tenant, `secure-ray-ray-<tenant>`: RayClusters, RayJobs, RayServices and RayCronJobs judged
 *   when applied, as the engine judges them: on every pod KubeRay will create (the containers it
 *   injects and a RayJob's submitter included) the tenant label, placement, bounds, GPUs and the
 *   restricted Pod Security Standard; no SidecarMode, default submitter or history collector; no
 *   exposure unless allowed; `secure-ray.io/*` labels only from the platform and the operator;
 * - `secure-ray-services`: Services of tenants without `allowExposure` are ClusterIP, without
 *   externalIPs;
 * - `secure-ray-network-policies`: NetworkPolicies in tenant namespaces are created, changed and
 *   deleted by the platform's identities only;
 * - with `networkPolicyGeneration`, the Kyverno GeneratingPolicy
 *   `secure-ray-raycluster-network-policies`: the NetworkPolicies of RayClusters made outside this
 *   library (those it made carry `secure-ray.io/managed-by: cdk8s-secure-ray` and are skipped).
 *
 * The tenant's bounds are written into the expressions (no `paramKind`): they live in
 * cluster-scoped objects only the platform can write, and nothing a tenant edits in its namespace
 * is read. Namespaces are selected by `kubernetes.io/metadata.name`, which the API server sets to
 * the namespace's name. The restricted Pod Security Standard stays with Pod Security Admission
 * (the labels {@link TenantNamespace} sets). With `KYVERNO_CLUSTER_POLICY`, the legacy
 * ClusterPolicy of {@link TenantAdmissionPolicy} instead.
 *
 * Every object is cluster-scoped: none carries `metadata.namespace`, even in a chart that has one.
 */
export class TenantAdmission extends Construct {
  /** The engine the objects are for. */
  public readonly engine: AdmissionEngine;
  /** Every object, in order (policies, bindings). */
  public readonly objects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: TenantAdmissionProps) {
    super(scope, id);
    const manifests = tenantAdmissionManifests(props);
    declareTenantUse(this, { tenants: props.tenants });
    this.engine = props.engine ?? AdmissionEngine.VALIDATING_ADMISSION_POLICY;
    const namespaced = Chart.of(this).namespace !== undefined;
    this.objects = manifests.map((m) => {
      const o = new ApiObject(this, `${m.kind}-${m.metadata.name}`, m);
      if (namespaced) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      return o;
    });
  }
}
