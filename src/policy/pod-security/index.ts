/**
 * The Kubernetes Pod Security Standards (`baseline` and `restricted`) as a pure
 * evaluator over plain manifests, reproducing the PodSecurity admission
 * controller (`k8s.io/pod-security-admission`) check by check, version by version,
 * message by message.
 *
 * - The pod is judged as the API server would see it: the API-server defaults that
 *   change a verdict are applied first (see `defaults.ts`), without modifying the input.
 * - Odd input (missing fields, nulls, wrong types) never throws. A value of the wrong
 *   type never counts as an allowed value (the API server would reject it anyway).
 * - Every finding carries the field paths responsible, mapped through a
 *   {@link PodSource}, so the same evaluator serves plain Pods and the pods KubeRay
 *   builds from a RayCluster.
 *
 * @module
 */
import { JsonObject } from '../types';
import { PssLevel } from './check';
import { checksFor } from './registry';
import { LATEST_PSS_VERSION, parsePssVersion, PssOptionError, resolvePssMinor } from './version';
import { PodSource, POD_SOURCE, podContext } from './visit';

export type { PssLevel } from './check';
export type { PodSource } from './visit';
export { POD_SOURCE } from './visit';
export { LATEST_PSS_VERSION, parsePssVersion, PssOptionError } from './version';
export { safeSysctls } from './sysctls';
export { RESTRICTED_FLOOR, RestrictedFloor } from './registry';

/** Which standard to judge against. */
export interface PssOptions {
  /** The level; default `restricted`. */
  readonly level?: PssLevel;
  /** The policy version: `latest` (= {@link LATEST_PSS_VERSION}) or `v1.0` ... `v1.37`; default `latest`. */
  readonly version?: string;
}

/** One check that forbids the pod. */
export interface PssFinding {
  /** Upstream check id, e.g. `allowPrivilegeEscalation`, `restrictedVolumes`. */
  readonly checkId: string;
  /** e.g. `allowPrivilegeEscalation != false`. */
  readonly reason: string;
  /** e.g. `container "x" must set securityContext.allowPrivilegeEscalation=false`; may be empty. */
  readonly detail: string;
  /** `${reason} (${detail})`, or the reason alone when the detail is empty. */
  readonly message: string;
  /** The fields responsible, e.g. `['spec.containers[0].securityContext.allowPrivilegeEscalation']`. */
  readonly paths: string[];
}

function resolveLevel(level: unknown): PssLevel {
  if (level === undefined) {
    return 'restricted';
  }
  if (level === 'baseline' || level === 'restricted') {
    return level;
  }
  throw new PssOptionError(`unsupported Pod Security Standards level ${JSON.stringify(level)}: expected "baseline" or "restricted"`);
}

function resolveVersion(version: unknown): string {
  return version === undefined ? 'latest' : String(version);
}

/**
 * Judges a pod (`{metadata, spec}`) against a Pod Security Standard.
 *
 * Returns one finding per forbidding check, in the order the admission controller
 * lists them; an empty list means the pod is allowed. Throws a {@link PssOptionError}
 * only for an unsupported level or version, never because of the pod.
 *
 * @param pod the pod; only `metadata` and `spec` are read
 * @param options level (default `restricted`) and version (default `latest`)
 * @param source where the pod's parts live in the user's document (default: a plain Pod)
 */
export function evaluatePodSecurity(pod: JsonObject, options?: PssOptions, source?: PodSource): PssFinding[] {
  const level = resolveLevel(options?.level);
  const minor = resolvePssMinor(resolveVersion(options?.version));
  const ctx = podContext(pod, source ?? POD_SOURCE);
  const findings: PssFinding[] = [];
  for (const selected of checksFor(level, minor)) {
    const outcome = selected.check(ctx);
    if (outcome === undefined) {
      continue;
    }
    const reason = outcome.reason === '' ? 'unknown forbidden reason' : outcome.reason;
    findings.push({
      checkId: selected.id,
      reason,
      detail: outcome.detail,
      message: outcome.detail === '' ? reason : `${reason} (${outcome.detail})`,
      paths: [...outcome.paths],
    });
  }
  return findings;
}

/**
 * The aggregated detail the admission controller prints after the level and version:
 * every finding's message, joined by `, `.
 */
export function podSecurityForbiddenDetail(findings: readonly PssFinding[]): string {
  return findings.map((f) => f.message).join(', ');
}

/**
 * The admission controller's rejection text, e.g.
 * `violates PodSecurity "restricted:v1.37": allowPrivilegeEscalation != false (...), ...`.
 * The level and version are printed as given (`latest` stays `latest`, as upstream
 * prints the namespace label). Returns `''` when there are no findings.
 */
export function podSecurityForbiddenMessage(findings: readonly PssFinding[], options?: PssOptions): string {
  const level = resolveLevel(options?.level);
  const version = resolveVersion(options?.version);
  resolvePssMinor(version);
  if (findings.length === 0) {
    return '';
  }
  return `violates PodSecurity "${level}:${version}": ${podSecurityForbiddenDetail(findings)}`;
}

/** The ids of the checks that judge pods at a level and version, in message order. */
export function podSecurityCheckIds(options?: PssOptions): string[] {
  const level = resolveLevel(options?.level);
  return checksFor(level, resolvePssMinor(resolveVersion(options?.version))).map((c) => c.id);
}

/** True when `v` is `latest` or a supported `v1.N`. */
export function isSupportedPssVersion(v: string): boolean {
  return parsePssVersion(v) !== undefined;
}

/** The supported versions, in words (for error messages and help text). */
export const SUPPORTED_PSS_VERSIONS = `latest, v1.0 to ${LATEST_PSS_VERSION}`;
