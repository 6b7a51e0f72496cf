/**
 * `/proc` mount type: baseline `procMount` and restricted `procMount_restricted`
 * (from v1.35, replacing the baseline check at the restricted level).
 *
 * Only the default (masked) `/proc` is allowed. From v1.35 the baseline check allows
 * any `procMount` for pods in a user namespace (`hostUsers: false`); the restricted
 * check never does.
 *
 * @module
 */
import { CheckOutcome, containersPhrase, Offenders, PssCheck } from './check';
import { joinQuote, sortedSet } from './format';
import { PodContext } from './visit';
import { isSet, text } from '../../kubernetes/json';

function procMountStrict(pod: PodContext): CheckOutcome | undefined {
  const bad = new Offenders();
  const types: string[] = [];
  for (const c of pod.containers) {
    const value = c.securityContext?.procMount;
    if (isSet(value) && value !== 'Default') {
      bad.add(c.name, c.path('securityContext', 'procMount'));
      types.push(text(value));
    }
  }
  if (bad.empty) {
    return undefined;
  }
  return {
    reason: 'procMount',
    detail: `${containersPhrase(bad.names)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
    paths: bad.paths,
  };
}

export const PROC_MOUNT: PssCheck = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: procMountStrict },
    { minVersion: 35, check: (pod) => (pod.userNamespace ? undefined : procMountStrict(pod)) },
  ],
};

export const PROC_MOUNT_RESTRICTED: PssCheck = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minVersion: 35, check: procMountStrict, overrides: ['procMount'] }],
};
