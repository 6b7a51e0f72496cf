/**
 * Baseline `seLinuxOptions`: the SELinux type is limited to the container types,
 * and a custom SELinux user or role is forbidden. `container_engine_t` is allowed
 * from v1.31.
 *
 * @module
 */
import { CheckOutcome, containersPhrase, Offenders, PssCheck } from './check';
import { joinQuote, pluralize, sortedSet } from './format';
import { PodContext } from './visit';
import { field, isSet, text } from '../../kubernetes/json';

const ALLOWED_TYPES_V1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const ALLOWED_TYPES_V1_31: ReadonlySet<string> = new Set([...ALLOWED_TYPES_V1_0, 'container_engine_t']);

function seLinuxOptions(allowedTypes: ReadonlySet<string>) {
  return (pod: PodContext): CheckOutcome | undefined => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;

    /** The offending paths of one `seLinuxOptions` object (none when it is valid). */
    const judge = (opts: unknown, path: (...segments: string[]) => string): string[] => {
      const paths: string[] = [];
      const type = text(field(opts, 'type'));
      if (!allowedTypes.has(type)) {
        badTypes.push(type);
        paths.push(path('type'));
      }
      if (text(field(opts, 'user')).length > 0) {
        setUser = true;
        paths.push(path('user'));
      }
      if (text(field(opts, 'role')).length > 0) {
        setRole = true;
        paths.push(path('role'));
      }
      return paths;
    };

    const badSetters: string[] = [];
    const paths: string[] = [];
    const podOpts = pod.securityContext?.seLinuxOptions;
    if (isSet(podOpts)) {
      const bad = judge(podOpts, (...s) => pod.specPath('securityContext', 'seLinuxOptions', ...s));
      if (bad.length > 0) {
        badSetters.push('pod');
        paths.push(...bad);
      }
    }
    const badContainers = new Offenders();
    for (const c of pod.containers) {
      const opts = c.securityContext?.seLinuxOptions;
      if (isSet(opts)) {
        const bad = judge(opts, (...s) => c.path('securityContext', 'seLinuxOptions', ...s));
        if (bad.length > 0) {
          badContainers.add(c.name, ...bad);
        }
      }
    }
    if (!badContainers.empty) {
      badSetters.push(containersPhrase(badContainers.names));
      paths.push(...badContainers.paths);
    }
    if (badSetters.length === 0) {
      return undefined;
    }

    const badData: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) {
      badData.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    }
    if (setUser) {
      badData.push('user may not be set');
    }
    if (setRole) {
      badData.push('role may not be set');
    }
    return {
      reason: 'seLinuxOptions',
      detail: `${badSetters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${badData.join('; ')}`,
      paths,
    };
  };
}

export const SE_LINUX_OPTIONS: PssCheck = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: seLinuxOptions(ALLOWED_TYPES_V1_0) },
    { minVersion: 31, check: seLinuxOptions(ALLOWED_TYPES_V1_31) },
  ],
};
