/**
 * The checks and how a level and version select them, as upstream's
 * `policy/registry.go` does:
 *
 * - each check applies from the minimum version of its first version; a version
 *   stays in force until the next one;
 * - `baseline` runs the baseline checks; `restricted` runs the baseline checks,
 *   minus those overridden by a restricted check in force at that version, plus the
 *   restricted checks;
 * - results are ordered baseline checks first, then restricted checks, each group
 *   sorted by check id.
 *
 * @module
 */
import { APP_ARMOR_PROFILE } from './apparmor';
import { CAPABILITIES_BASELINE, CAPABILITIES_RESTRICTED } from './capabilities';
import { CheckFn, PssCheck, PssLevel, VersionedCheck } from './check';
import { compareGoStrings } from './format';
import { HOST_NAMESPACES, HOST_PORTS } from './host';
import { ALLOW_PRIVILEGE_ESCALATION, PRIVILEGED } from './privilege';
import { HOST_PROBES_AND_HOST_LIFECYCLE } from './probes';
import { PROC_MOUNT, PROC_MOUNT_RESTRICTED } from './proc-mount';
import { SECCOMP_PROFILE_BASELINE, SECCOMP_PROFILE_RESTRICTED } from './seccomp';
import { SE_LINUX_OPTIONS } from './selinux';
import { SYSCTLS } from './sysctls';
import { RUN_AS_NON_ROOT, RUN_AS_USER } from './users';
import { RESTRICTED_VOLUMES, HOST_PATH_VOLUMES } from './volumes';
import { WINDOWS_HOST_PROCESS } from './windows';

/** Every check, in upstream's message order (baseline then restricted, each sorted by id). */
export const PSS_CHECKS: readonly PssCheck[] = [
  APP_ARMOR_PROFILE,
  CAPABILITIES_BASELINE,
  HOST_NAMESPACES,
  HOST_PATH_VOLUMES,
  HOST_PORTS,
  HOST_PROBES_AND_HOST_LIFECYCLE,
  PRIVILEGED,
  PROC_MOUNT,
  SE_LINUX_OPTIONS,
  SECCOMP_PROFILE_BASELINE,
  SYSCTLS,
  WINDOWS_HOST_PROCESS,
  ALLOW_PRIVILEGE_ESCALATION,
  CAPABILITIES_RESTRICTED,
  PROC_MOUNT_RESTRICTED,
  RESTRICTED_VOLUMES,
  RUN_AS_NON_ROOT,
  RUN_AS_USER,
  SECCOMP_PROFILE_RESTRICTED,
].sort((a, b) => (a.level === b.level ? compareGoStrings(a.id, b.id) : a.level === 'baseline' ? -1 : 1));

/** The version of a check in force at a policy version, if the check exists yet. */
function versionAt(check: PssCheck, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of check.versions) {
    if (v.minVersion <= minor) {
      found = v;
    }
  }
  return found;
}

/** A check selected for a level and version. */
export interface SelectedCheck {
  readonly id: string;
  readonly level: PssLevel;
  readonly minVersion: number;
  readonly check: CheckFn;
}

/** The checks that judge a pod at a level and policy minor version, in message order. */
export function checksFor(level: PssLevel, minor: number): SelectedCheck[] {
  const active = PSS_CHECKS
    .filter((c) => level === 'restricted' || c.level === 'baseline')
    .map((c) => ({ c, v: versionAt(c, minor) }))
    .filter((x): x is { c: PssCheck; v: VersionedCheck } => x.v !== undefined);
  const overridden = new Set(
    level === 'restricted' ? active.filter((x) => x.c.level === 'restricted').flatMap((x) => x.v.overrides ?? []) : [],
  );
  return active
    .filter((x) => !(x.c.level === 'baseline' && overridden.has(x.c.id)))
    .map((x) => ({ id: x.c.id, level: x.c.level, minVersion: x.v.minVersion, check: x.v.check }));
}

/** The oldest policy version whose restricted level enforces a restricted check, and why. */
export interface RestrictedFloor {
  /** The minor version: `v1.<minor>`. */
  readonly minor: number;
  /** The restricted check that sets the floor (the newest to start being enforced). */
  readonly checkId: string;
}

/**
 * When the restricted level starts enforcing what a restricted check asks: from the check's first
 * version, unless that version takes over a baseline check with the very same check function
 * (`procMount_restricted` in v1.35 only keeps at restricted what baseline's `procMount` enforced
 * at every version before), in which case from the baseline check's first version.
 */
function enforcedFrom(check: PssCheck): number {
  const first = check.versions[0];
  const takenOver = PSS_CHECKS.filter((b) => b.level === 'baseline' && (first.overrides ?? []).includes(b.id))
    .filter((b) => b.versions.some((v) => v.check === first.check));
  return Math.min(first.minVersion, ...takenOver.map((b) => b.versions[0].minVersion));
}

/**
 * The oldest Pod Security Standards version whose `restricted` level checks everything the
 * library's restricted settings rely on, derived from the registry: the newest version at which
 * a restricted check (seccomp, drop ALL, allowPrivilegeEscalation, runAsNonRoot, runAsUser,
 * volume types) starts being enforced. Older versions admit pods without them: at v1.18 a pod
 * without seccomp or `drop: [ALL]` is `restricted`.
 */
export const RESTRICTED_FLOOR: RestrictedFloor = Object.freeze(PSS_CHECKS
  .filter((c) => c.level === 'restricted')
  .map((c) => ({ minor: enforcedFrom(c), checkId: c.id }))
  .reduce((a, b) => (b.minor > a.minor ? b : a)));
