/**
 * Baseline: sharing host namespaces (`hostNamespaces`) and host ports (`hostPorts`).
 *
 * @module
 */
import { CheckOutcome, containersPhrase, PssCheck } from './check';
import { compareGoStrings, pluralize, sortedSet } from './format';
import { PodContext } from './visit';
import { enabled, isSet, text } from '../../kubernetes/json';

const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/** `spec.hostNetwork`, `spec.hostPID`, `spec.hostIPC` must be unset or false. */
function hostNamespacesV1Dot0(pod: PodContext): CheckOutcome | undefined {
  const found = HOST_NAMESPACE_FIELDS
    .filter((key) => enabled(pod.spec[key]))
    .map((key) => ({ label: `${key}=true`, path: pod.specPath(key) }))
    .sort((a, b) => compareGoStrings(a.label, b.label));
  if (found.length === 0) {
    return undefined;
  }
  return {
    reason: 'host namespaces',
    detail: found.map((f) => f.label).join(', '),
    paths: found.map((f) => f.path),
  };
}

/** `hostPort` must be unset or 0 on every port of every container. */
function hostPortsV1Dot0(pod: PodContext): CheckOutcome | undefined {
  const badContainers: string[] = [];
  const ports: string[] = [];
  const paths: string[] = [];
  for (const c of pod.containers) {
    let bad = false;
    for (const port of c.ports) {
      if (isSet(port.hostPort) && port.hostPort !== 0) {
        bad = true;
        ports.push(text(port.hostPort));
        paths.push(port.path);
      }
    }
    if (bad) {
      badContainers.push(c.name);
    }
  }
  if (badContainers.length === 0) {
    return undefined;
  }
  const hostPorts = sortedSet(ports);
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(badContainers)} ${pluralize('uses', 'use', badContainers.length)} ${pluralize('hostPort', 'hostPorts', hostPorts.length)} ${hostPorts.join(', ')}`,
    paths,
  };
}

export const HOST_NAMESPACES: PssCheck = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minVersion: 0, check: hostNamespacesV1Dot0 }],
};

export const HOST_PORTS: PssCheck = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minVersion: 0, check: hostPortsV1Dot0 }],
};
