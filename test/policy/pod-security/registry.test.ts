import { evaluatePodSecurity, RESTRICTED_FLOOR } from '../../../src/policy/pod-security';
import { PSS_CHECKS } from '../../../src/policy/pod-security/registry';

/** A pod that meets the restricted standard, then loses one setting per case. */
function pod(change: (spec: any) => void = () => undefined): any {
  const spec: any = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'c', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  };
  change(spec);
  return { metadata: { name: 'p' }, spec };
}

const ids = (p: any, minor: number) => evaluatePodSecurity(p, { level: 'restricted', version: `v1.${minor}` }).map((f) => f.checkId);

describe('RESTRICTED_FLOOR: the oldest version whose restricted level enforces every restricted check', () => {
  test('is v1.23, set by runAsUser, the newest restricted check to start being enforced', () => {
    expect(RESTRICTED_FLOOR).toEqual({ minor: 23, checkId: 'runAsUser' });
  });

  test('derived from the registry: the newest first version among the restricted checks, procMount_restricted excepted', () => {
    const firsts = Object.fromEntries(PSS_CHECKS.filter((c) => c.level === 'restricted').map((c) => [c.id, c.versions[0].minVersion]));
    expect(firsts).toEqual({
      allowPrivilegeEscalation: 8,
      capabilities_restricted: 22,
      procMount_restricted: 35,
      restrictedVolumes: 0,
      runAsNonRoot: 0,
      runAsUser: 23,
      seccompProfile_restricted: 19,
    });
  });

  test('below the floor, restricted admits what the library refuses; at the floor it does not', () => {
    const root = pod((s) => { s.containers[0].securityContext.runAsUser = 0; });
    expect(ids(root, RESTRICTED_FLOOR.minor - 1)).toEqual([]);
    expect(ids(root, RESTRICTED_FLOOR.minor)).toEqual(['runAsUser']);
    const noSeccompNoDrop = pod((s) => { delete s.securityContext.seccompProfile; delete s.containers[0].securityContext.capabilities; });
    expect(ids(noSeccompNoDrop, 18)).toEqual([]);
    expect(ids(noSeccompNoDrop, RESTRICTED_FLOOR.minor)).toEqual(['capabilities_restricted', 'seccompProfile_restricted']);
  });

  test('procMount: restricted refuses an unmasked /proc at every version from the floor (baseline did before v1.35)', () => {
    const unmasked = pod((s) => { s.containers[0].securityContext.procMount = 'Unmasked'; });
    for (const minor of [RESTRICTED_FLOOR.minor, 34, 35, 37]) expect(ids(unmasked, minor)).toContain(minor < 35 ? 'procMount' : 'procMount_restricted');
  });
});
