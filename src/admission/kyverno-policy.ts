import { createHash } from 'crypto';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { declareTenantUse } from '../app-tenants';
import { INJECTED_RESOURCES, RAY_LABELS } from '../kuberay/constants';
import { ApiServerEgress, DnsOptions, resolveApiServer, resolveDns } from '../network/options';
import { LIBRARY_MANAGED_LABEL } from '../policy/library-labels';
import { dnsEgressRule } from '../policy/network-policies';
import { tenantSetProblems } from '../policy/tenant-set';
import { TenantProfile } from '../tenant';
import { PropsError } from '../validation';

/** Kyverno's failure action of a validate rule. */
export enum KyvernoFailureAction {
  /** Deny the request (the default: a guardrail that only audits guards nothing). */
  ENFORCE = 'Enforce',
  /** Admit it and report the violation. */
  AUDIT = 'Audit',
}

/**
 * Options of the legacy Kyverno `ClusterPolicy` (`kyverno.io/v1`), besides its tenants: for
 * {@link TenantAdmissionPolicy}, and for {@link TenantAdmission} with
 * `AdmissionEngine.KYVERNO_CLUSTER_POLICY`.
 */
export interface KyvernoClusterPolicyOptions {
  /**
   * The ClusterPolicy's name.
   * @default 'secure-ray-tenant-guardrails'
   */
  readonly name?: string;
  /**
   * What a failed validate rule does. `Audit` only reports.
   * @default KyvernoFailureAction.ENFORCE
   */
  readonly failureAction?: KyvernoFailureAction;
  /**
   * DNS egress of the generated NetworkPolicies.
   * @default - kube-dns in kube-system on UDP and TCP 53
   */
  readonly dns?: DnsOptions;
  /**
   * API-server egress in the generated NetworkPolicies of clusters with in-tree autoscaling (the
   * autoscaler calls the API server). Without it, autoscaling clusters get no API-server egress.
   * @default - none
   */
  readonly apiServer?: ApiServerEgress;
}

/** Properties of {@link TenantAdmissionPolicy} and {@link tenantAdmissionPolicyManifest}. */
export interface TenantAdmissionPolicyProps extends KyvernoClusterPolicyOptions {
  /** Every tenant of the platform. A RayCluster whose `tenant` label names none of them is refused. */
  readonly tenants: readonly TenantProfile[];
}

/** The names of the rules that do not depend on a tenant. */
export const ADMISSION_RULES = {
  /** Refuses a RayCluster whose `tenant` label names no known tenant. */
  knownTenant: 'require-known-tenant',
  /** Requires the restricted Pod Security settings on every pod template and container. */
  restricted: 'restricted-security-context',
  /** Requires a restricted security context for the autoscaler sidecar. */
  autoscaler: 'autoscaler-security-context',
  /**
   * Generates each RayCluster's isolation NetworkPolicy (with an API server, a second rule
   * `<name>-autoscaler` covers clusters with in-tree autoscaling).
   */
  networkPolicy: 'generate-network-policy',
} as const;

/** The per-tenant rule names of a tenant (each at most 63 characters). */
export function tenantRuleNames(tenant: string): {
  /** The rule that pins the tenant's RayClusters to its namespace. */
  namespace: string;
  /** The rule that requires the tenant label, node selector and toleration on every pod template. */
  placement: string;
  /** The rule that enforces the tenant's CPU and memory bounds on every container. */
  resources: string;
} {
  return {
    namespace: ruleName(tenant, 'namespace'),
    placement: ruleName(tenant, 'placement'),
    resources: ruleName(tenant, 'resources'),
  };
}

const RAYCLUSTER_KIND = 'ray.io/v1/RayCluster';
/** The operations the validate rules match. */
const VALIDATED_OPERATIONS = ['CREATE', 'UPDATE'] as const;
/** The label the library's RayClusters carry, as a selector. */
const LIBRARY_MARKER = { [LIBRARY_MANAGED_LABEL.key]: LIBRARY_MANAGED_LABEL.value };
/** KubeRay's default autoscaler resources (used when `spec.autoscalerOptions.resources` is unset). */
const AUTOSCALER_DEFAULT_RESOURCES = INJECTED_RESOURCES.autoscaler;
/** The fixed limits of KubeRay's `wait-gcs-ready` init container (every worker pod). */
const WAIT_GCS_READY_LIMITS = INJECTED_RESOURCES.waitGcsReady.limits;
const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];

/** The container lists of the head and of every worker group, as Kyverno `foreach` lists. */
export const CONTAINER_LISTS = [
  'request.object.spec.headGroupSpec.template.spec.containers',
  'request.object.spec.headGroupSpec.template.spec.initContainers',
  'request.object.spec.workerGroupSpecs[].template.spec.containers[]',
  'request.object.spec.workerGroupSpecs[].template.spec.initContainers[]',
] as const;

/** The pod groups (head, then every worker group) as Kyverno `foreach` lists; `element.template` is the pod template. */
export const GROUP_LISTS = ['[request.object.spec.headGroupSpec]', 'request.object.spec.workerGroupSpecs'] as const;

type Json = any;

interface Condition { key: Json; operator: string; value: Json; message?: string }

const cond = (key: Json, operator: string, value: Json, message?: string): Condition =>
  ({ key, operator, value, ...(message ? { message } : {}) });

/** A JMESPath raw string literal. Tenant data is validated (labels, quantities), so it never holds a quote. */
const lit = (s: string): string => `'${s}'`;
/** A quoted JMESPath identifier (label keys may contain '/' and '.'). */
const ident = (s: string): string => JSON.stringify(s);

/**
 * The Kyverno `ClusterPolicy` (`kyverno.io/v1`) that enforces, at admission, the tenant rules the
 * constructs enforce at synth — for RayClusters applied by anyone, not only by this library.
 * See {@link TenantAdmissionPolicy}.
 */
export function tenantAdmissionPolicyManifest(props: TenantAdmissionPolicyProps): Json {
  const tenants = validateTenants(props);
  const failureAction = props.failureAction ?? KyvernoFailureAction.ENFORCE;
  if (!(Object.values(KyvernoFailureAction) as string[]).includes(failureAction)) {
    throw new PropsError(`TenantAdmissionPolicy.failureAction: ${JSON.stringify(failureAction)} is not Enforce or Audit`);
  }
  const name = props.name ?? 'secure-ray-tenant-guardrails';
  // Validate rules judge CREATE and UPDATE only: on DELETE the object is null, and a rule that
  // read it would refuse every deletion (Argo CD's prune, KubeRay's clean-up of a RayJob's cluster).
  const match = (selector?: Record<string, string>) => ({
    any: [{
      resources: { kinds: [RAYCLUSTER_KIND], operations: [...VALIDATED_OPERATIONS], ...(selector ? { selector: { matchLabels: selector } } : {}) },
    }],
  });
  const generateMatch = { any: [{ resources: { kinds: [RAYCLUSTER_KIND] } }] };
  const names = tenants.map((t) => t.name);

  const rules: Json[] = [];
  rules.push({
    name: ADMISSION_RULES.knownTenant,
    match: match(),
    validate: {
      failureAction,
      message: `RayCluster {{ request.object.metadata.name }}: the label "tenant" must name a known tenant (${names.join(', ')}). Without it the cluster could not be tied to a tenant's nodes, bounds and NetworkPolicy, so it is refused.`,
      deny: { conditions: { any: [cond("{{ request.object.metadata.labels.tenant || '' }}", 'NotIn', names)] } },
    },
  });
  for (const t of tenants) rules.push(...tenantRules(t, failureAction, match({ tenant: t.name })));
  rules.push(restrictedRule(failureAction, match()));
  rules.push(autoscalerRule(failureAction, match()));
  rules.push(...networkPolicyRules(names, props, generateMatch));

  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name,
      annotations: {
        'policies.kyverno.io/title': 'KubeRay tenant guardrails',
        'policies.kyverno.io/subject': 'RayCluster',
        'policies.kyverno.io/description': 'Tenant isolation (known tenant, namespace, nodes, tolerations, per-container CPU/memory bounds), the restricted securityContext on every container and the autoscaler sidecar, and a generated NetworkPolicy per RayCluster. Generated by cdk8s-secure-ray.',
      },
    },
    spec: { background: true, rules },
  };
}

function validateTenants(props: TenantAdmissionPolicyProps): TenantProfile[] {
  if (props === null || typeof props !== 'object' || !Array.isArray(props.tenants) || props.tenants.length === 0) {
    throw new PropsError('TenantAdmissionPolicy.tenants: expected a non-empty list of TenantProfile');
  }
  const seen = new Set<string>();
  props.tenants.forEach((t, i) => {
    if (!TenantProfile.isTenantProfile(t)) throw new PropsError(`TenantAdmissionPolicy.tenants[${i}]: expected a TenantProfile`);
    if (seen.has(t.name)) throw new PropsError(`TenantAdmissionPolicy.tenants[${i}]: tenant "${t.name}" is listed twice`);
    seen.add(t.name);
  });
  // No two tenants may share a namespace, node label or taint, and DNS may not point into a tenant's namespace.
  const problems = tenantSetProblems(props.tenants.map((t) => t.toDefinition()),
    [{ ...resolveDns('TenantAdmissionPolicy.dns', props.dns), where: 'TenantAdmissionPolicy.dns' }]);
  if (problems.length > 0) {
    throw new PropsError(`TenantAdmissionPolicy.tenants: ${problems.map((p) => `${p.message}. Fix: ${p.fix}`).join('; ')}`);
  }
  return [...props.tenants];
}

function ruleName(tenant: string, suffix: string): string {
  const full = `tenant-${tenant}-${suffix}`;
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(tenant).digest('hex').slice(0, 8);
  return `tenant-${tenant.slice(0, 63 - suffix.length - hash.length - 9)}-${hash}-${suffix}`;
}

function tenantRules(t: TenantProfile, failureAction: KyvernoFailureAction, match: Json): Json[] {
  const n = tenantRuleNames(t.name);
  const b = t.bounds;
  const tk = lit(t.taintKey);
  const tv = lit(t.taintValue);
  const tolerations = 'element.template.spec.tolerations';
  const group = "{{ element.groupName || 'head' }}";
  const placement = [
    cond("{{ element.template.metadata.labels.tenant || '' }}", 'NotEquals', t.name,
      `group ${group}: the pod template's label "tenant" must be ${t.name}`),
    cond(`{{ element.template.spec.nodeSelector.${ident(t.nodeLabelKey)} || '' }}`, 'NotEquals', t.nodeLabelValue,
      `group ${group}: pods must be pinned with nodeSelector ${t.nodeLabelKey}: ${t.nodeLabelValue}`),
    cond(`{{ length(${tolerations}[?key == ${tk} && value == ${tv} && (operator == 'Equal' || !operator) && (!effect || effect == ${lit(t.taintEffect)})] || \`[]\`) }}`,
      'LessThan', 1, `group ${group}: pods must tolerate the taint ${t.taintKey}=${t.taintValue}:${t.taintEffect}`),
    cond(`{{ length(${tolerations}[?operator == 'Exists' && (!key || key == ${tk})] || \`[]\`) }}`,
      'GreaterThan', 0, `group ${group}: a toleration with operator Exists would tolerate every tenant's nodes`),
    cond(`{{ length(${tolerations}[?key == ${tk} && (operator == 'Equal' || !operator) && value != ${tv}] || \`[]\`) }}`,
      'GreaterThan', 0, `group ${group}: a toleration for another tenant's taint ${t.taintKey} is not allowed`),
  ];
  const resources = (prefix: string, who: string): Condition[] => {
    const out: Condition[] = [];
    for (const [r, min, max] of [['cpu', b.minCpu, b.maxCpu], ['memory', b.minMemory, b.maxMemory]] as const) {
      const limit = `${prefix}.limits.${r}`;
      const request = `${prefix}.requests.${r}`;
      out.push(
        cond(`{{ ${limit} || '' }}`, 'Equals', '', `${who}: the ${r} limit is missing`),
        cond(`{{ ${request} || '' }}`, 'Equals', '', `${who}: the ${r} request is missing`),
        cond(`{{ to_string(${limit} || ${lit(max)}) }}`, 'GreaterThan', max, `${who}: the ${r} limit exceeds the tenant's maximum ${max}`),
        cond(`{{ to_string(${request} || ${lit(min)}) }}`, 'LessThan', min, `${who}: the ${r} request is below the tenant's minimum ${min}`),
        cond(`{{ to_string(${request} || '0') }}`, 'GreaterThan', `{{ to_string(${limit} || ${request} || '0') }}`,
          `${who}: the ${r} request is greater than the ${r} limit`),
      );
    }
    return out;
  };
  const container = 'container {{ element.name }}';
  const waitGcsReady = [
    cond(WAIT_GCS_READY_LIMITS.cpu, 'GreaterThan', b.maxCpu, `KubeRay's wait-gcs-ready init container in every worker pod has a CPU limit of ${WAIT_GCS_READY_LIMITS.cpu}, above the tenant's maximum`),
    cond(WAIT_GCS_READY_LIMITS.memory, 'GreaterThan', b.maxMemory, `KubeRay's wait-gcs-ready init container in every worker pod has a memory limit of ${WAIT_GCS_READY_LIMITS.memory}, above the tenant's maximum`),
  ];
  return [
    {
      name: n.namespace,
      match,
      validate: {
        failureAction,
        message: `RayClusters of tenant ${t.name} must be in namespace ${t.namespace}.`,
        pattern: { metadata: { namespace: t.namespace } },
      },
    },
    {
      name: n.placement,
      match,
      validate: {
        failureAction,
        message: `RayCluster {{ request.object.metadata.name }} of tenant ${t.name}: every pod template must carry the tenant label, select the tenant's nodes and tolerate only the tenant's taint.`,
        foreach: GROUP_LISTS.map((list) => ({ list, deny: { conditions: { any: placement } } })),
      },
    },
    {
      name: n.resources,
      match,
      validate: {
        failureAction,
        message: `RayCluster {{ request.object.metadata.name }} of tenant ${t.name}: every container and init container needs CPU and memory limits <= ${b.maxCpu}/${b.maxMemory} and requests >= ${b.minCpu}/${b.minMemory}.`,
        foreach: [
          ...CONTAINER_LISTS.map((list) => ({
            list,
            deny: { conditions: { any: [...resources('element.resources', container), ...(list.includes('workerGroupSpecs') ? waitGcsReady : [])] } },
          })),
          {
            // The autoscaler sidecar KubeRay injects: spec.autoscalerOptions.resources, else KubeRay's default.
            list: `[request.object.spec.autoscalerOptions.resources || \`${JSON.stringify(AUTOSCALER_DEFAULT_RESOURCES)}\`]`,
            preconditions: { all: [cond('{{ request.object.spec.enableInTreeAutoscaling || `false` }}', 'Equals', true)] },
            deny: { conditions: { any: resources('element', 'the autoscaler sidecar (spec.autoscalerOptions.resources)') } },
          },
        ],
      },
    },
  ];
}

function restrictedRule(failureAction: KyvernoFailureAction, match: Json): Json {
  const container = 'container {{ element.name }}';
  const containerConditions = [
    cond('{{ to_string(element.securityContext.allowPrivilegeEscalation) }}', 'NotEquals', 'false', `${container}: securityContext.allowPrivilegeEscalation must be false`),
    cond("{{ contains(element.securityContext.capabilities.drop || `[]`, 'ALL') }}", 'Equals', false, `${container}: securityContext.capabilities.drop must include ALL`),
    cond('{{ to_string(element.securityContext.privileged) }}', 'Equals', 'true', `${container}: securityContext.privileged must not be true`),
    cond('{{ to_string(element.securityContext.runAsNonRoot) }}', 'Equals', 'false', `${container}: securityContext.runAsNonRoot must not be false`),
    cond(`{{ element.securityContext.seccompProfile.type || '${SECCOMP_ALLOWED[0]}' }}`, 'NotIn', SECCOMP_ALLOWED, `${container}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost`),
  ];
  const group = "group {{ element.groupName || 'head' }}";
  const pod = 'element.template.spec';
  const all = `${pod}.[containers, initContainers][]`;
  const seccompOk = `contains(\`${JSON.stringify(SECCOMP_ALLOWED)}\`, to_string(securityContext.seccompProfile.type))`;
  const groupConditions = [
    ...['hostNetwork', 'hostPID', 'hostIPC'].map((f) => cond(`{{ to_string(${pod}.${f}) }}`, 'Equals', 'true', `${group}: ${f} must not be true`)),
    cond(`{{ length(${pod}.volumes[?hostPath] || \`[]\`) }}`, 'GreaterThan', 0, `${group}: hostPath volumes are not allowed`),
    cond(`{{ to_string(${pod}.securityContext.runAsNonRoot) != 'true' && length(${all} | [?securityContext.runAsNonRoot != \`true\`]) > \`0\` }}`,
      'Equals', true, `${group}: runAsNonRoot must be true on the pod or on every container`),
    cond(`{{ !contains(\`${JSON.stringify(SECCOMP_ALLOWED)}\`, to_string(${pod}.securityContext.seccompProfile.type)) && length(${all} | [?!${seccompOk}]) > \`0\` }}`,
      'Equals', true, `${group}: seccompProfile.type must be RuntimeDefault or Localhost on the pod or on every container`),
  ];
  return {
    name: ADMISSION_RULES.restricted,
    match,
    validate: {
      failureAction,
      message: 'RayCluster {{ request.object.metadata.name }}: every pod and container must meet the restricted Pod Security Standard (no privilege escalation, drop ALL capabilities, non-root, seccomp RuntimeDefault, no privileged, host namespaces or hostPath).',
      foreach: [
        ...CONTAINER_LISTS.map((list) => ({ list, deny: { conditions: { any: containerConditions } } })),
        ...GROUP_LISTS.map((list) => ({ list, deny: { conditions: { any: groupConditions } } })),
      ],
    },
  };
}

function autoscalerRule(failureAction: KyvernoFailureAction, match: Json): Json {
  const sc = 'request.object.spec.autoscalerOptions.securityContext';
  const headPod = 'request.object.spec.headGroupSpec.template.spec.securityContext';
  const who = 'the autoscaler sidecar (spec.autoscalerOptions.securityContext)';
  return {
    name: ADMISSION_RULES.autoscaler,
    match,
    preconditions: { all: [cond('{{ request.object.spec.enableInTreeAutoscaling || `false` }}', 'Equals', true)] },
    validate: {
      failureAction,
      message: 'RayCluster {{ request.object.metadata.name }}: KubeRay does not copy the Ray container\'s securityContext to the autoscaler sidecar; spec.autoscalerOptions.securityContext must meet the restricted Pod Security Standard.',
      deny: {
        conditions: {
          any: [
            cond(`{{ to_string(${sc}.allowPrivilegeEscalation) }}`, 'NotEquals', 'false', `${who}: allowPrivilegeEscalation must be false`),
            cond(`{{ contains(${sc}.capabilities.drop || \`[]\`, 'ALL') }}`, 'Equals', false, `${who}: capabilities.drop must include ALL`),
            cond(`{{ to_string(${sc}.privileged) }}`, 'Equals', 'true', `${who}: privileged must not be true`),
            cond(`{{ to_string(${sc}.runAsNonRoot) == 'false' || (to_string(${sc}.runAsNonRoot) != 'true' && to_string(${headPod}.runAsNonRoot) != 'true') }}`,
              'Equals', true, `${who}: runAsNonRoot must be true (here or on the head pod)`),
            cond(`{{ ${sc}.seccompProfile.type || ${headPod}.seccompProfile.type || '' }}`, 'NotIn', SECCOMP_ALLOWED,
              `${who}: seccompProfile.type must be RuntimeDefault or Localhost (here or on the head pod)`),
          ],
        },
      },
    },
  };
}

function networkPolicyRules(names: string[], props: TenantAdmissionPolicyProps, match: Json): Json[] {
  const dns = resolveDns('TenantAdmissionPolicy.dns', props.dns);
  const self = { podSelector: { matchLabels: { [RAY_LABELS.cluster]: '{{ request.object.metadata.name }}' } } };
  const egress: Json[] = [{ to: [self] }, dnsEgressRule(dns)];
  const data = (extra: Json[]) => ({
    metadata: { labels: { tenant: '{{ request.object.metadata.labels.tenant }}' } },
    spec: { podSelector: self.podSelector, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [self] }], egress: [...egress, ...extra] },
  });
  const api = resolveApiServer('TenantAdmissionPolicy.apiServer', props.apiServer);
  const rule = (name: string, autoscaling: boolean, extra: Json[]) => ({
    name,
    match,
    // The library's RayClusters come with their own `<name>-isolation` (another content): two
    // writers of one object would overwrite each other. A tenant gains nothing by setting the label
    // on a hand-made cluster: no policy is generated, and the namespace's default-deny stays.
    exclude: { any: [{ resources: { kinds: [RAYCLUSTER_KIND], selector: { matchLabels: LIBRARY_MARKER } } }] },
    preconditions: {
      all: [
        cond("{{ request.object.metadata.labels.tenant || '' }}", 'In', names),
        ...(api ? [cond('{{ request.object.spec.enableInTreeAutoscaling || `false` }}', 'Equals', autoscaling)] : []),
      ],
    },
    generate: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      name: '{{ request.object.metadata.name }}-isolation',
      namespace: '{{ request.object.metadata.namespace }}',
      synchronize: true,
      data: data(extra),
    },
  });
  if (!api) return [rule(ADMISSION_RULES.networkPolicy, false, [])];
  return [
    rule(ADMISSION_RULES.networkPolicy, false, []),
    rule(`${ADMISSION_RULES.networkPolicy}-autoscaler`, true, [{ to: [{ ipBlock: { cidr: api.cidr } }], ports: [{ protocol: 'TCP', port: api.port }] }]),
  ];
}

/**
 * One Kyverno `ClusterPolicy` (`kyverno.io/v1`) for the whole platform, installed once: the
 * admission-time guardrail behind the constructs, for RayClusters applied by anyone.
 *
 * Bounds come from the platform's {@link TenantProfile}s, **written into the policy** as literals
 * (one group of rules per tenant, selected by the `tenant` label), never from annotations the
 * tenant writes on its own RayCluster. Rules (every validate rule `failureAction: Enforce` by
 * default; `background: true`):
 *
 * - `require-known-tenant`: the `tenant` label names a known tenant; a RayCluster without one is
 *   refused (so none runs without its generated NetworkPolicy);
 * - per tenant, `tenant-<name>-namespace`, `-placement` and `-resources`: the namespace; on the
 *   head and every worker group (`foreach`), the template's tenant label, the nodeSelector, the
 *   tenant's toleration (extra ones allowed, wildcards and other tenants' refused); on every
 *   container and init container, CPU/memory limits present and <= max, requests present and
 *   >= min, requests <= limits (Kyverno compares quantities exactly); the autoscaler sidecar's
 *   resources (KubeRay's 500m/512Mi when unset) and the limits of `wait-gcs-ready`;
 * - `restricted-security-context`: on every container and init container, allowPrivilegeEscalation
 *   false, drop ALL, not privileged, runAsNonRoot (pod or container), seccomp RuntimeDefault or
 *   Localhost (pod or container); no host namespaces or hostPath volumes;
 * - `autoscaler-security-context`: with `enableInTreeAutoscaling`, the same on
 *   `spec.autoscalerOptions.securityContext` (KubeRay does not copy the Ray container's);
 * - `generate-network-policy`: for each RayCluster of a known tenant that this library did not
 *   make, the NetworkPolicy `<name>-isolation` (pods of `ray.io/cluster=<name>` reach each other
 *   on every port, and DNS; with an API server, the autoscaler's egress too), kept in sync
 *   (`synchronize: true`). The library's RayClusters carry `secure-ray.io/managed-by:
 *   cdk8s-secure-ray` and are excluded: they come with their own policies of that name.
 *
 * The validate rules match CREATE and UPDATE only (a deletion is never refused).
 *
 * Not expressed here (the project's engine does more): the full Pod Security Standard (volume
 * types, runAsUser 0, sysctls, AppArmor…) — rely on the namespace's Pod Security Admission labels
 * ({@link TenantNamespace}); node affinity as an alternative to the nodeSelector (refused here);
 * the containers injected only with alpha features (mTLS, history-server collector).
 *
 * The ClusterPolicy is cluster-scoped: it carries no `metadata.namespace` even in a chart that
 * has a namespace.
 */
export class TenantAdmissionPolicy extends Construct {
  /** The ClusterPolicy. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: TenantAdmissionPolicyProps) {
    super(scope, id);
    const manifest = tenantAdmissionPolicyManifest(props);
    declareTenantUse(this, { tenants: props.tenants, dns: resolveDns('TenantAdmissionPolicy.dns', props.dns), dnsProp: 'dns' });
    this.resource = new ApiObject(this, 'Resource', manifest);
    if (Chart.of(this).namespace !== undefined) {
      this.resource.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
  }
}
