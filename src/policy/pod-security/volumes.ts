/**
 * Volumes: baseline `hostPathVolumes` (no hostPath volumes) and restricted
 * `restrictedVolumes` (only the allowed inline volume types), which replaces the
 * baseline check at the restricted level.
 *
 * Volumes are judged after the API-server default (a volume with no source is an
 * `emptyDir` volume). `image` volumes are allowed at every policy version: upstream
 * added them to its single v1.0 version in place.
 *
 * @module
 */
import { CheckOutcome, PssCheck } from './check';
import { ALLOWED_VOLUME_SOURCES, RESTRICTED_VOLUME_SOURCES } from './defaults';
import { joinQuote, pluralize, sortedSet } from './format';
import { PodContext } from './visit';

function volumesPhrase(names: readonly string[]): string {
  return `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`;
}

function hostPathVolumesV1Dot0(pod: PodContext): CheckOutcome | undefined {
  const bad = pod.volumes.filter((v) => v.sources.includes('hostPath'));
  if (bad.length === 0) {
    return undefined;
  }
  return {
    reason: 'hostPath volumes',
    detail: volumesPhrase(bad.map((v) => v.name)),
    paths: bad.map((v) => v.path('hostPath')),
  };
}

function restrictedVolumesV1Dot0(pod: PodContext): CheckOutcome | undefined {
  const names: string[] = [];
  const types: string[] = [];
  const paths: string[] = [];
  for (const v of pod.volumes) {
    if (v.sources.some((s) => ALLOWED_VOLUME_SOURCES.includes(s))) {
      continue;
    }
    // The first restricted source in upstream's order names the volume's type. (Upstream's
    // "unknown" cannot occur here: a volume without a known source was defaulted to emptyDir.)
    const type = RESTRICTED_VOLUME_SOURCES.find((s) => v.sources.includes(s)) ?? 'unknown';
    names.push(v.name);
    types.push(type);
    paths.push(v.path(type));
  }
  if (names.length === 0) {
    return undefined;
  }
  const badTypes = sortedSet(types);
  return {
    reason: 'restricted volume types',
    detail: `${volumesPhrase(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', badTypes.length)} ${joinQuote(badTypes)}`,
    paths,
  };
}

export const HOST_PATH_VOLUMES: PssCheck = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{ minVersion: 0, check: hostPathVolumesV1Dot0 }],
};

export const RESTRICTED_VOLUMES: PssCheck = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ minVersion: 0, check: restrictedVolumesV1Dot0, overrides: ['hostPathVolumes'] }],
};
