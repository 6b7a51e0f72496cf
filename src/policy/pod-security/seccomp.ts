/**
 * Seccomp: baseline `seccompProfile_baseline` (if set, only RuntimeDefault or
 * Localhost) and restricted `seccompProfile_restricted` (must be set, at pod level
 * or on every container), which replaces the baseline check at the restricted level.
 *
 * Before v1.19 the baseline check reads the alpha seccomp annotations instead of the
 * `seccompProfile` fields.
 *
 * @module
 */
import { CheckOutcome, containersPhrase, Offenders, PssCheck } from './check';
import { joinQuote, pluralize, sortedSet } from './format';
import { PodContext } from './visit';
import { goQuote } from '../../kubernetes/go-format';
import { field, isSet, text } from '../../kubernetes/json';

const ANNOTATION_KEY_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const ANNOTATION_KEY_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validSeccompType(t: unknown): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

function validSeccompAnnotation(v: string): boolean {
  return v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
}

/** v1.0 - v1.18: the alpha annotations. */
function seccompProfileBaselineV1Dot0(pod: PodContext): CheckOutcome | undefined {
  const byKey = new Map(pod.annotations.map((a) => [a.key, a]));
  const forbidden = new Map<string, string>(); // message entry -> path
  const judge = (key: string) => {
    const a = byKey.get(key);
    if (a !== undefined && !validSeccompAnnotation(a.value)) {
      forbidden.set(`${key}=${goQuote(a.value)}`, a.path);
    }
  };
  judge(ANNOTATION_KEY_POD);
  for (const c of pod.containers) {
    judge(ANNOTATION_KEY_CONTAINER_PREFIX + c.name);
  }
  if (forbidden.size === 0) {
    return undefined;
  }
  const entries = sortedSet(forbidden.keys());
  return {
    reason: 'seccompProfile',
    detail: `forbidden ${pluralize('annotation', 'annotations', entries.length)} ${entries.join(', ')}`,
    paths: entries.map((e) => forbidden.get(e) ?? ''),
  };
}

/**
 * The fields, shared by both levels: which setters explicitly set a bad type, and
 * (restricted only) which containers neither set a type nor inherit a valid pod-level one.
 */
function judgeSeccompFields(pod: PodContext) {
  const badSetters: string[] = [];
  const badValues: string[] = [];
  const badPaths: string[] = [];
  let podSeccompSet = false;

  const podProfile = pod.securityContext?.seccompProfile;
  if (isSet(podProfile)) {
    const type = field(podProfile, 'type');
    if (!validSeccompType(type)) {
      badSetters.push('pod');
      badValues.push(text(type));
      badPaths.push(pod.specPath('securityContext', 'seccompProfile', 'type'));
    } else {
      podSeccompSet = true;
    }
  }

  const explicitlyBad = new Offenders();
  const implicitlyBad = new Offenders();
  for (const c of pod.containers) {
    const profile = c.securityContext?.seccompProfile;
    if (isSet(profile)) {
      const type = field(profile, 'type');
      if (!validSeccompType(type)) {
        explicitlyBad.add(c.name, c.path('securityContext', 'seccompProfile', 'type'));
        badValues.push(text(type));
      }
    } else if (!podSeccompSet) {
      implicitlyBad.add(c.name, c.path('securityContext', 'seccompProfile', 'type'));
    }
  }
  if (!explicitlyBad.empty) {
    badSetters.push(containersPhrase(explicitlyBad.names));
    badPaths.push(...explicitlyBad.paths);
  }
  return { badSetters, badValues, badPaths, implicitlyBad };
}

function explicitOutcome(j: ReturnType<typeof judgeSeccompFields>): CheckOutcome {
  return {
    reason: 'seccompProfile',
    detail: `${j.badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(j.badValues))}`,
    paths: j.badPaths,
  };
}

/** v1.19+: the `seccompProfile` fields; unset is allowed. */
function seccompProfileBaselineV1Dot19(pod: PodContext): CheckOutcome | undefined {
  const j = judgeSeccompFields(pod);
  return j.badSetters.length > 0 ? explicitOutcome(j) : undefined;
}

function seccompProfileRestrictedV1Dot19(pod: PodContext): CheckOutcome | undefined {
  const j = judgeSeccompFields(pod);
  if (j.badSetters.length > 0) {
    return explicitOutcome(j);
  }
  if (!j.implicitlyBad.empty) {
    return {
      reason: 'seccompProfile',
      detail: `pod or ${containersPhrase(j.implicitlyBad.names)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      paths: [pod.specPath('securityContext', 'seccompProfile', 'type'), ...j.implicitlyBad.paths],
    };
  }
  return undefined;
}

/** From v1.25 Windows pods are exempt: API validation forbids seccomp for them. */
function seccompProfileRestrictedV1Dot25(pod: PodContext): CheckOutcome | undefined {
  return pod.isWindows ? undefined : seccompProfileRestrictedV1Dot19(pod);
}

export const SECCOMP_PROFILE_BASELINE: PssCheck = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: seccompProfileBaselineV1Dot0 },
    { minVersion: 19, check: seccompProfileBaselineV1Dot19 },
  ],
};

export const SECCOMP_PROFILE_RESTRICTED: PssCheck = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 19, check: seccompProfileRestrictedV1Dot19, overrides: ['seccompProfile_baseline'] },
    { minVersion: 25, check: seccompProfileRestrictedV1Dot25, overrides: ['seccompProfile_baseline'] },
  ],
};
