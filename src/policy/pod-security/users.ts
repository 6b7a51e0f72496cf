/**
 * Restricted: containers must run as non-root (`runAsNonRoot`) and must not run as
 * UID 0 (`runAsUser`).
 *
 * From v1.35 both are skipped for pods in a user namespace (`hostUsers: false`),
 * where root in the container is not root on the host (KEP-127). Earlier policy
 * versions do not relax them.
 *
 * @module
 */
import { CheckOutcome, containersPhrase, Offenders, PssCheck } from './check';
import { PodContext } from './visit';
import { isSet } from '../../kubernetes/json';

function runAsNonRootV1Dot0(pod: PodContext): CheckOutcome | undefined {
  const badSetters: string[] = [];
  const badPaths: string[] = [];
  let podRunAsNonRoot = false;
  const podValue = pod.securityContext?.runAsNonRoot;
  if (isSet(podValue)) {
    if (podValue !== true) {
      badSetters.push('pod');
      badPaths.push(pod.specPath('securityContext', 'runAsNonRoot'));
    } else {
      podRunAsNonRoot = true;
    }
  }

  const explicitlyBad = new Offenders();
  const implicitlyBad = new Offenders();
  for (const c of pod.containers) {
    const value = c.securityContext?.runAsNonRoot;
    const path = c.path('securityContext', 'runAsNonRoot');
    if (isSet(value)) {
      if (value !== true) {
        explicitlyBad.add(c.name, path);
      }
    } else if (!podRunAsNonRoot) {
      implicitlyBad.add(c.name, path);
    }
  }
  if (!explicitlyBad.empty) {
    badSetters.push(containersPhrase(explicitlyBad.names));
    badPaths.push(...explicitlyBad.paths);
  }
  if (badSetters.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${badSetters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
      paths: badPaths,
    };
  }
  if (!implicitlyBad.empty) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containersPhrase(implicitlyBad.names)} must set securityContext.runAsNonRoot=true`,
      paths: [pod.specPath('securityContext', 'runAsNonRoot'), ...implicitlyBad.paths],
    };
  }
  return undefined;
}

/** Fail closed on a mistyped UID: anything set that is not a non-zero number counts as 0. */
function isRootUid(v: unknown): boolean {
  return isSet(v) && !(typeof v === 'number' && v !== 0);
}

function runAsUserV1Dot23(pod: PodContext): CheckOutcome | undefined {
  const badSetters: string[] = [];
  const paths: string[] = [];
  if (isRootUid(pod.securityContext?.runAsUser)) {
    badSetters.push('pod');
    paths.push(pod.specPath('securityContext', 'runAsUser'));
  }
  const bad = new Offenders();
  for (const c of pod.containers) {
    if (isRootUid(c.securityContext?.runAsUser)) {
      bad.add(c.name, c.path('securityContext', 'runAsUser'));
    }
  }
  if (!bad.empty) {
    badSetters.push(containersPhrase(bad.names));
    paths.push(...bad.paths);
  }
  if (badSetters.length === 0) {
    return undefined;
  }
  return {
    reason: 'runAsUser=0',
    detail: `${badSetters.join(' and ')} must not set runAsUser=0`,
    paths,
  };
}

export const RUN_AS_NON_ROOT: PssCheck = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minVersion: 0, check: runAsNonRootV1Dot0 },
    { minVersion: 35, check: (pod) => (pod.userNamespace ? undefined : runAsNonRootV1Dot0(pod)) },
  ],
};

export const RUN_AS_USER: PssCheck = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minVersion: 23, check: runAsUserV1Dot23 },
    { minVersion: 35, check: (pod) => (pod.userNamespace ? undefined : runAsUserV1Dot23(pod)) },
  ],
};
