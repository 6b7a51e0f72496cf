/**
 * Baseline `windowsHostProcess`: Windows HostProcess containers are forbidden.
 *
 * (The Windows exemptions of the restricted checks live with those checks:
 * `allowPrivilegeEscalation`, `capabilities_restricted` and `seccompProfile_restricted`
 * skip pods with `spec.os.name: windows` from v1.25.)
 *
 * @module
 */
import { CheckOutcome, containersPhrase, Offenders, PssCheck } from './check';
import { PodContext } from './visit';
import { dig, enabled } from '../../kubernetes/json';

function windowsHostProcessV1Dot0(pod: PodContext): CheckOutcome | undefined {
  const setters: string[] = [];
  const paths: string[] = [];
  if (enabled(dig(pod.securityContext, 'windowsOptions', 'hostProcess'))) {
    setters.push('pod');
    paths.push(pod.specPath('securityContext', 'windowsOptions', 'hostProcess'));
  }
  const bad = new Offenders();
  for (const c of pod.containers) {
    if (enabled(dig(c.securityContext, 'windowsOptions', 'hostProcess'))) {
      bad.add(c.name, c.path('securityContext', 'windowsOptions', 'hostProcess'));
    }
  }
  if (!bad.empty) {
    setters.push(containersPhrase(bad.names));
    paths.push(...bad.paths);
  }
  if (setters.length === 0) {
    return undefined;
  }
  return {
    reason: 'hostProcess',
    detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
    paths,
  };
}

export const WINDOWS_HOST_PROCESS: PssCheck = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minVersion: 0, check: windowsHostProcessV1Dot0 }],
};
