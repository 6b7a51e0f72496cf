/**
 * The restricted Pod Security Standard on the pods a Ray object makes KubeRay create, in CEL:
 * early feedback at `kubectl apply`. Pod Security Admission (the namespace's
 * `pod-security.kubernetes.io/enforce: restricted`) stays the enforcement; without this, a
 * RayCluster that breaks the standard is admitted and its pods are refused one by one, forever.
 *
 * In CEL: the checks below, as the policy version `latest` words them (Windows pods exempt from
 * the three checks that exempt them; pods in a user namespace, `hostUsers: false`, exempt from the
 * two user checks). Outside CEL, left to Pod Security Admission and to the engine (`secure-ray
 * check`): {@link PSS_CHECKS_OUTSIDE_CEL}, and every older policy version of the matrix (a
 * namespace pinned to `enforce-version: v1.N` may allow what `latest` refuses).
 *
 * @module
 */
import { celString, celStringList } from './expr';
import { CelValidation } from './rule-set';
import { ALLOWED_VOLUME_SOURCES } from '../pod-security/defaults';

/** The restricted checks (ids of the engine's `pod-security` rule) the Ray admission policy expresses in CEL. */
export const PSS_CHECKS_IN_CEL: readonly string[] = [
  'hostNamespaces', 'privileged', 'allowPrivilegeEscalation', 'capabilities_restricted', 'capabilities_baseline', 'runAsNonRoot', 'runAsUser',
  'seccompProfile_restricted', 'seccompProfile_baseline', 'restrictedVolumes', 'hostPathVolumes', 'hostPorts', 'procMount', 'procMount_restricted',
];

/**
 * The Pod Security Standard checks left to Pod Security Admission: their allowed values differ
 * across policy versions or depend on fields and annotations a template does not settle (safe
 * sysctls, SELinux types, AppArmor profiles, Windows HostProcess, probe and lifecycle hosts).
 */
export const PSS_CHECKS_OUTSIDE_CEL: readonly string[] = [
  'sysctls', 'seLinuxOptions', 'appArmorProfile', 'windowsHostProcess', 'hostProbesAndHostLifecycle',
];

const WINDOWS = "p.spec.?os.?name.orValue('') == 'windows'";
const USER_NAMESPACE = 'p.spec.?hostUsers.orValue(true) == false';
const SECCOMP_TYPES = celStringList(['RuntimeDefault', 'Localhost']);

interface Check {
  /** Pods exempt from the check (a predicate on pod `p`). */
  readonly exempt?: string;
  /** The pod-level predicate on pod `p` (`p.spec`). */
  readonly pod?: string;
  /** The predicate on every container `c` of pod `p` (`p.containers`, the injected ones included). */
  readonly container?: string;
  /** What the standard asks, in words. */
  readonly asks: string;
}

const CHECKS: readonly Check[] = [
  {
    pod: '!(p.spec.?hostNetwork.orValue(false) == true || p.spec.?hostPID.orValue(false) == true || p.spec.?hostIPC.orValue(false) == true)',
    asks: 'no hostNetwork, hostPID or hostIPC',
  },
  { container: 'c.?securityContext.?privileged.orValue(false) != true', asks: 'no privileged container' },
  { exempt: WINDOWS, container: 'c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false', asks: 'securityContext.allowPrivilegeEscalation: false on every container' },
  {
    exempt: WINDOWS,
    container: "c.?securityContext.?capabilities.?drop.orValue([]).exists(x, x == 'ALL') && c.?securityContext.?capabilities.?add.orValue([]).all(x, x == 'NET_BIND_SERVICE')",
    asks: 'securityContext.capabilities.drop: [ALL] on every container, and no added capability but NET_BIND_SERVICE',
  },
  {
    exempt: USER_NAMESPACE,
    pod: 'p.spec.?securityContext.?runAsNonRoot.orValue(true) == true',
    container: 'c.?securityContext.?runAsNonRoot.orValue(p.spec.?securityContext.?runAsNonRoot.orValue(false)) == true',
    asks: 'runAsNonRoot: true on the pod or on every container, false nowhere',
  },
  { exempt: USER_NAMESPACE, pod: 'p.spec.?securityContext.?runAsUser.orValue(1) != 0', container: 'c.?securityContext.?runAsUser.orValue(1) != 0', asks: 'no runAsUser: 0' },
  {
    exempt: WINDOWS,
    pod: `!p.spec.?securityContext.?seccompProfile.hasValue() || p.spec.securityContext.seccompProfile.?type.orValue('') in ${SECCOMP_TYPES}`,
    container: `c.?securityContext.?seccompProfile.hasValue() ? c.securityContext.seccompProfile.?type.orValue('') in ${SECCOMP_TYPES}`
      + ' : p.spec.?securityContext.?seccompProfile.hasValue()',
    asks: 'seccompProfile.type RuntimeDefault or Localhost on the pod or on every container, Unconfined nowhere',
  },
  {
    pod: `p.spec.?volumes.orValue([]).all(v, v.all(k, k == 'name' || k in ${celStringList(ALLOWED_VOLUME_SOURCES)}))`,
    asks: `volumes of these types only: ${ALLOWED_VOLUME_SOURCES.join(', ')}`,
  },
  { container: 'c.?ports.orValue([]).all(x, x.?hostPort.orValue(0) == 0)', asks: 'no hostPort' },
  { container: "c.?securityContext.?procMount.orValue('Default') == 'Default'", asks: 'procMount Default (or unset)' },
];

/**
 * One validation per check of the restricted standard expressed in CEL, over `variables.pods`
 * ({@link rayPodVariables}): the pods of the groups, with the containers KubeRay injects, and the
 * submitter pod. Each message names the pods, and in them `(pod)` or the containers, that fail.
 */
export function restrictedPodSecurityValidations(): CelValidation[] {
  return CHECKS.map((check) => {
    const parts = [
      ...(check.pod !== undefined ? [`(${check.pod})`] : []),
      ...(check.container !== undefined ? [`p.containers.all(c, ${check.container})`] : []),
    ];
    const ok = `${check.exempt !== undefined ? `${check.exempt} || ` : ''}(${parts.join(' && ')})`;
    const podPart = check.pod !== undefined ? `((${check.pod}) ? '' : '(pod) ')` : "''";
    const containerPart = check.container !== undefined
      ? `p.containers.filter(c, !(${check.container})).map(c, string(c.?name.orValue(''))).join(', ')` : "''";
    const head = `restricted Pod Security Standard (Pod Security Admission would refuse the pods KubeRay creates): ${check.asks}; these do not: `;
    return {
      expression: `variables.pods.all(p, ${ok})`,
      messageExpression: `${celString(head)} + variables.pods.filter(p, !(${ok})).map(p, p.name + ': ' + ${podPart} + ${containerPart}).join('; ')`,
      message: `the restricted Pod Security Standard asks ${check.asks}: Pod Security Admission would refuse the pods KubeRay creates from this object`,
      reason: 'Forbidden',
    };
  });
}
