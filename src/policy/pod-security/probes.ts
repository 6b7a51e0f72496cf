/**
 * Baseline from v1.34: probes and lifecycle handlers must not set `host`
 * (`hostProbesAndHostLifecycle`).
 *
 * @module
 */
import { CheckOutcome, containersPhrase, PssCheck } from './check';
import { joinQuote, pluralize, sortedSet } from './format';
import { ContainerView, PodContext } from './visit';
import { dig, text } from '../../kubernetes/json';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const LIFECYCLE_HANDLERS = ['postStart', 'preStop'] as const;
const HANDLER_KINDS = ['httpGet', 'tcpSocket'] as const;

/** The non-empty `host` fields of a container's probes and lifecycle handlers. */
function hostsOf(c: ContainerView): Array<{ host: string; path: string }> {
  const handlers: Array<{ value: unknown; at: string[] }> = [
    ...PROBES.map((p) => ({ value: c.def[p], at: [p] })),
    ...LIFECYCLE_HANDLERS.map((h) => ({ value: dig(c.def, 'lifecycle', h), at: ['lifecycle', h] })),
  ];
  const found: Array<{ host: string; path: string }> = [];
  for (const handler of handlers) {
    for (const kind of HANDLER_KINDS) {
      const host = text(dig(handler.value, kind, 'host'));
      if (host !== '') {
        found.push({ host, path: c.path(...handler.at, kind, 'host') });
      }
    }
  }
  return found;
}

function hostProbesAndHostLifecycleV1Dot34(pod: PodContext): CheckOutcome | undefined {
  const names: string[] = [];
  const hosts: string[] = [];
  const paths: string[] = [];
  for (const c of pod.containers) {
    const found = hostsOf(c);
    if (found.length > 0) {
      names.push(c.name);
      for (const f of found) {
        hosts.push(f.host);
        paths.push(f.path);
      }
    }
  }
  if (names.length === 0) {
    return undefined;
  }
  // upstream collects both into sets: names and hosts are sorted and de-duplicated
  const badContainers = sortedSet(names);
  const forbidden = sortedSet(hosts);
  return {
    reason: 'probe or lifecycle host',
    detail: `${containersPhrase(badContainers)} ${pluralize('uses', 'use', badContainers.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', forbidden.length)} ${joinQuote(forbidden)}`,
    paths,
  };
}

export const HOST_PROBES_AND_HOST_LIFECYCLE: PssCheck = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minVersion: 34, check: hostProbesAndHostLifecycleV1Dot34 }],
};
