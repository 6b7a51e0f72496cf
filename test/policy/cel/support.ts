/**
 * Shared by the CEL admission tests: the platform (three tenants, the identities), the emitted
 * policies for both engines, the cluster as the API server holds it, and request builders.
 */
import { Chart, Testing } from 'cdk8s';
import { buildRayPods } from '../../../src/kuberay';
import { buildExampleApp, TENANTS } from '../../../src/main';
import {
  AdmissionIdentities, admissionRuleSets, CelRuleSet, kyvernoValidatingPolicy, serviceAccountUsername, validatingAdmissionPolicy,
  WORKLOAD_CONTROLLERS,
} from '../../../src/policy/cel';
import { TenantDefinition } from '../../../src/policy/tenant-definition';
import { TaintEffect, TenantProfile } from '../../../src/tenant';
import {
  AdmissionRequestInput, AdmissionVerdict, CelCoverage, ClusterState, evaluateKyvernoValidatingPolicies, evaluateValidatingAdmissionPolicies,
  KubeObject, KyvernoValidatingPolicy, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
} from '../../support/cel';

/** The example platform's tenants, and a third with its own node label, taint, namespace, two extended resources and exposure. */
export const TEAM_A: TenantDefinition = TENANTS.teamA.toDefinition();
export const TEAM_B: TenantDefinition = TENANTS.teamB.toDefinition();
export const TEAM_C: TenantDefinition = new TenantProfile({
  name: 'team-c',
  namespace: 'ml-c',
  nodeLabelKey: 'pool.example.com/tenant',
  nodeLabelValue: 'c',
  taint: { key: 'dedicated.example.com/tenant', value: 'c', effect: TaintEffect.NO_EXECUTE },
  bounds: { minCpu: '100m', maxCpu: '16', minMemory: '128Mi', maxMemory: '64Gi', extendedResources: { 'nvidia.com/gpu': '2', 'example.com/fpga': '1' } },
  allowExposure: true,
}).toDefinition();
export const DEFS: readonly TenantDefinition[] = [TEAM_A, TEAM_B, TEAM_C];

/** Who makes requests. */
export const USERS = {
  alice: { username: 'alice@example.com', groups: ['team-a', 'system:authenticated'] },
  tenantSa: { username: 'system:serviceaccount:team-a:deployer', groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'] },
  operator: { username: serviceAccountUsername('kuberay-system', 'kuberay-operator'), groups: ['system:serviceaccounts', 'system:authenticated'] },
  jobController: { username: serviceAccountUsername('kube-system', 'job-controller'), groups: ['system:serviceaccounts', 'system:authenticated'] },
  replicaSetController: { username: serviceAccountUsername('kube-system', 'replicaset-controller'), groups: ['system:serviceaccounts'] },
  argocd: { username: serviceAccountUsername('argocd', 'argocd-application-controller'), groups: ['system:serviceaccounts', 'system:authenticated'] },
  platformAdmin: { username: 'bob@example.com', groups: ['platform-admins', 'system:authenticated'] },
  namespaceController: { username: serviceAccountUsername('kube-system', 'namespace-controller'), groups: ['system:serviceaccounts'] },
  garbageCollector: { username: serviceAccountUsername('kube-system', 'generic-garbage-collector'), groups: ['system:serviceaccounts'] },
} as const;
export type User = keyof typeof USERS;

export const IDENTITIES: AdmissionIdentities = {
  kubeRayOperator: USERS.operator.username,
  workloadControllers: WORKLOAD_CONTROLLERS,
  platformUsers: [USERS.argocd.username],
  platformGroups: ['platform-admins'],
};

export const SETS: readonly CelRuleSet[] = admissionRuleSets(DEFS, IDENTITIES);
const vapObjects = SETS.flatMap((s) => validatingAdmissionPolicy(s, ['Deny'])) as any[];
export const POLICIES: ValidatingAdmissionPolicy[] = vapObjects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
export const BINDINGS: ValidatingAdmissionPolicyBinding[] = vapObjects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
export const KYVERNO: KyvernoValidatingPolicy[] = SETS.map((s) => kyvernoValidatingPolicy(s, ['Deny'])) as any[];

/** A Namespace as the API server stores it: with the `kubernetes.io/metadata.name` label it sets itself. */
export function apiServerNamespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } } };
}

/** The cluster: the tenant namespaces (labelled as TenantNamespace renders them) and two others. */
export const CLUSTER: ClusterState = {
  namespaces: [
    ...DEFS.map((d) => apiServerNamespace(d.namespace ?? d.name, { 'tenant': d.name, 'pod-security.kubernetes.io/enforce': 'restricted' })),
    apiServerNamespace('default'),
    apiServerNamespace('kube-system'),
  ],
};

/** The engines under test: the ValidatingAdmissionPolicies with their bindings, and the Kyverno ValidatingPolicies. */
export type Engine = 'vap' | 'kyverno';
export const ENGINES: readonly Engine[] = ['vap', 'kyverno'];

/** Admission of one request by one engine. */
export function admit(engine: Engine, req: AdmissionRequestInput, opts: { coverage?: CelCoverage; cluster?: ClusterState } = {}): AdmissionVerdict {
  const cluster = opts.cluster ?? CLUSTER;
  return engine === 'vap'
    ? evaluateValidatingAdmissionPolicies(POLICIES, BINDINGS, req, cluster, { coverage: opts.coverage })
    : evaluateKyvernoValidatingPolicies(KYVERNO, req, cluster, { coverage: opts.coverage });
}

const GVR = {
  pods: { group: '', version: 'v1', kind: 'Pod', resource: 'pods' },
  services: { group: '', version: 'v1', kind: 'Service', resource: 'services' },
  networkpolicies: { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', resource: 'networkpolicies' },
  jobs: { group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs' },
  cronjobs: { group: 'batch', version: 'v1', kind: 'CronJob', resource: 'cronjobs' },
  deployments: { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments' },
  replicasets: { group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets' },
  configmaps: { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps' },
  rayclusters: { group: 'ray.io', version: 'v1', kind: 'RayCluster', resource: 'rayclusters' },
  rayjobs: { group: 'ray.io', version: 'v1', kind: 'RayJob', resource: 'rayjobs' },
  rayservices: { group: 'ray.io', version: 'v1', kind: 'RayService', resource: 'rayservices' },
  raycronjobs: { group: 'ray.io', version: 'v1', kind: 'RayCronJob', resource: 'raycronjobs' },
} as const;
export type Resource = keyof typeof GVR;

/** The resource of a Ray kind. */
export function rayResource(kind: string): Resource {
  return ({ RayCluster: 'rayclusters', RayJob: 'rayjobs', RayService: 'rayservices', RayCronJob: 'raycronjobs' } as Record<string, Resource>)[kind];
}

/** A request as the API server builds it, for `object` (CREATE), `oldObject` → `object` (UPDATE) or `oldObject` (DELETE). */
export function request(resource: Resource, operation: 'CREATE' | 'UPDATE' | 'DELETE', user: User,
  objects: { object?: any; oldObject?: any; subResource?: string; namespace?: string }): AdmissionRequestInput {
  const g = GVR[resource];
  const obj = objects.object ?? objects.oldObject;
  return {
    operation,
    kind: { group: g.group, version: g.version, kind: g.kind },
    resource: { group: g.group, version: g.version, resource: g.resource },
    ...(objects.subResource ? { subResource: objects.subResource } : {}),
    namespace: objects.namespace ?? obj?.metadata?.namespace,
    ...(obj?.metadata?.name ? { name: obj.metadata.name } : {}),
    ...(operation !== 'DELETE' ? { object: objects.object } : {}),
    ...(operation !== 'CREATE' ? { oldObject: objects.oldObject } : {}),
    userInfo: { username: USERS[user].username, groups: [...USERS[user].groups] },
  };
}

/** A tenant's compliant bare Pod, as created by `kubectl run`-like clients: pinned, tolerating, within the bounds. */
export function tenantPod(def: TenantDefinition, name = 'p'): any {
  const b = def.bounds!;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: def.namespace ?? def.name, labels: { tenant: def.name, app: name } },
    spec: {
      nodeSelector: { [def.nodeLabelKey ?? 'tenant']: def.nodeLabelValue ?? def.name },
      tolerations: [
        { key: def.taintKey ?? 'tenant', operator: 'Equal', value: def.taintValue ?? def.name, ...(def.taintEffect ? { effect: def.taintEffect } : {}) },
        // added by the DefaultTolerationSeconds admission plugin before validation
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      containers: [{
        name: 'main',
        image: 'python:3.12',
        resources: {
          requests: { cpu: String(b.minCpu), memory: String(b.minMemory) },
          limits: { cpu: String(b.maxCpu), memory: String(b.maxMemory) },
        },
      }],
      restartPolicy: 'Always',
    },
  };
}

/** A deep copy, changed. */
export function changed<T>(value: T, change: (v: any) => void): T {
  const copy = JSON.parse(JSON.stringify(value));
  change(copy);
  return copy;
}

/**
 * The LimitRange `TenantNamespace` renders, applied as the LimitRanger admission plugin does before
 * validating admission: a missing limit gets `default`, a missing request `defaultRequest`.
 */
export function withLimitRangeDefaults(pod: any, tenant: TenantProfile): any {
  return changed(pod, (p) => {
    for (const c of [...(p.spec.initContainers ?? []), ...p.spec.containers]) {
      c.resources ??= {};
      c.resources.limits = { cpu: tenant.defaultCpu, memory: tenant.defaultMemory, ...c.resources.limits };
      c.resources.requests = { cpu: tenant.defaultCpu, memory: tenant.defaultMemory, ...c.resources.requests };
    }
  });
}

/** The pods KubeRay builds from the example app's RayClusters (head with the autoscaler sidecar, workers with wait-gcs-ready). */
export function exampleRayPods(): Array<{ tenant: string; cluster: string; group: string; pod: any }> {
  const app = buildExampleApp(Testing.app());
  const out: Array<{ tenant: string; cluster: string; group: string; pod: any }> = [];
  for (const chart of app.charts) {
    for (const rc of Testing.synth(chart as Chart).filter((m: any) => m.kind === 'RayCluster')) {
      for (const p of buildRayPods(rc)) out.push({ tenant: rc.metadata.labels.tenant, cluster: rc.metadata.name, group: p.group, pod: p.pod });
    }
  }
  return out;
}

/** `ValidatingAdmissionPolicy 'x' with binding 'x'` or `ValidatingPolicy 'x'`: the names of the policies that denied. */
export function denyingPolicies(v: AdmissionVerdict): string[] {
  return [...new Set(v.denials.map((d) => d.policy.replace(/^[A-Za-z]+\//, '')))].sort();
}
