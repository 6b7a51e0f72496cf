/**
 * Privileged containers (baseline `privileged`) and privilege escalation
 * (restricted `allowPrivilegeEscalation`).
 *
 * @module
 */
import { CheckOutcome, containersPhrase, Offenders, PssCheck } from './check';
import { PodContext } from './visit';
import { enabled } from '../../kubernetes/json';

/** `securityContext.privileged` must be unset or false. */
function privilegedV1Dot0(pod: PodContext): CheckOutcome | undefined {
  const bad = new Offenders();
  for (const c of pod.containers) {
    if (enabled(c.securityContext?.privileged)) {
      bad.add(c.name, c.path('securityContext', 'privileged'));
    }
  }
  if (bad.empty) {
    return undefined;
  }
  return {
    reason: 'privileged',
    detail: `${containersPhrase(bad.names)} must not set securityContext.privileged=true`,
    paths: bad.paths,
  };
}

/** Every container must set `securityContext.allowPrivilegeEscalation: false`. */
function allowPrivilegeEscalationV1Dot8(pod: PodContext): CheckOutcome | undefined {
  const bad = new Offenders();
  for (const c of pod.containers) {
    if (c.securityContext?.allowPrivilegeEscalation !== false) {
      bad.add(c.name, c.path('securityContext', 'allowPrivilegeEscalation'));
    }
  }
  if (bad.empty) {
    return undefined;
  }
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containersPhrase(bad.names)} must set securityContext.allowPrivilegeEscalation=false`,
    paths: bad.paths,
  };
}

/** From v1.25 Windows pods are exempt: API validation forbids the field for them. */
function allowPrivilegeEscalationV1Dot25(pod: PodContext): CheckOutcome | undefined {
  return pod.isWindows ? undefined : allowPrivilegeEscalationV1Dot8(pod);
}

export const PRIVILEGED: PssCheck = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minVersion: 0, check: privilegedV1Dot0 }],
};

export const ALLOW_PRIVILEGE_ESCALATION: PssCheck = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minVersion: 8, check: allowPrivilegeEscalationV1Dot8 },
    { minVersion: 25, check: allowPrivilegeEscalationV1Dot25 },
  ],
};
