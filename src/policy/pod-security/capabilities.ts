/**
 * Linux capabilities: baseline `capabilities_baseline` (only the default set may be
 * added) and restricted `capabilities_restricted` (drop ALL, add at most
 * NET_BIND_SERVICE), which replaces the baseline check at the restricted level.
 *
 * @module
 */
import { CheckOutcome, containersPhrase, Offenders, PssCheck } from './check';
import { joinQuote, sortedSet } from './format';
import { PodContext } from './visit';
import { asArray, asObject, isSet, text } from '../../kubernetes/json';

/** The container runtime's default capability set: adding these is allowed at baseline. */
const BASELINE_ALLOWED_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function capabilitiesBaselineV1Dot0(pod: PodContext): CheckOutcome | undefined {
  const bad = new Offenders();
  const forbidden: string[] = [];
  for (const c of pod.containers) {
    const caps = c.securityContext?.capabilities;
    if (!isSet(caps)) {
      continue;
    }
    const paths: string[] = [];
    asArray(asObject(caps)?.add).forEach((cap, j) => {
      if (!BASELINE_ALLOWED_CAPABILITIES.has(text(cap))) {
        forbidden.push(text(cap));
        paths.push(c.path('securityContext', 'capabilities', 'add', j));
      }
    });
    if (paths.length > 0) {
      bad.add(c.name, ...paths);
    }
  }
  if (bad.empty) {
    return undefined;
  }
  return {
    reason: 'non-default capabilities',
    detail: `${containersPhrase(bad.names)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
    paths: bad.paths,
  };
}

function capabilitiesRestrictedV1Dot22(pod: PodContext): CheckOutcome | undefined {
  const missingDropAll = new Offenders();
  const addingForbidden = new Offenders();
  const forbidden: string[] = [];
  for (const c of pod.containers) {
    const capsValue = c.securityContext?.capabilities;
    const dropPath = c.path('securityContext', 'capabilities', 'drop');
    if (!isSet(capsValue)) {
      missingDropAll.add(c.name, dropPath);
      continue;
    }
    const caps = asObject(capsValue) ?? {};
    if (!asArray(caps.drop).some((d) => d === 'ALL')) {
      missingDropAll.add(c.name, dropPath);
    }
    const paths: string[] = [];
    asArray(caps.add).forEach((cap, j) => {
      if (cap !== 'NET_BIND_SERVICE') {
        forbidden.push(text(cap));
        paths.push(c.path('securityContext', 'capabilities', 'add', j));
      }
    });
    if (paths.length > 0) {
      addingForbidden.add(c.name, ...paths);
    }
  }
  const details: string[] = [];
  if (!missingDropAll.empty) {
    details.push(`${containersPhrase(missingDropAll.names)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (!addingForbidden.empty) {
    details.push(`${containersPhrase(addingForbidden.names)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`);
  }
  if (details.length === 0) {
    return undefined;
  }
  return {
    reason: 'unrestricted capabilities',
    detail: details.join('; '),
    paths: [...missingDropAll.paths, ...addingForbidden.paths],
  };
}

/** From v1.25 Windows pods are exempt: API validation forbids capabilities for them. */
function capabilitiesRestrictedV1Dot25(pod: PodContext): CheckOutcome | undefined {
  return pod.isWindows ? undefined : capabilitiesRestrictedV1Dot22(pod);
}

export const CAPABILITIES_BASELINE: PssCheck = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ minVersion: 0, check: capabilitiesBaselineV1Dot0 }],
};

export const CAPABILITIES_RESTRICTED: PssCheck = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 22, check: capabilitiesRestrictedV1Dot22, overrides: ['capabilities_baseline'] },
    { minVersion: 25, check: capabilitiesRestrictedV1Dot25, overrides: ['capabilities_baseline'] },
  ],
};
