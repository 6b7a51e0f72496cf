/**
 * Baseline `appArmorProfile`: the `appArmorProfile` fields (pod and containers) may
 * only be RuntimeDefault or Localhost, and the deprecated per-container annotations
 * may only be empty, `runtime/default` or `localhost/<profile>`.
 *
 * Upstream amended its single v1.0 version in place when the fields were added, so
 * the fields are judged at every policy version.
 *
 * @module
 */
import { CheckOutcome, containersPhrase, Offenders, PssCheck } from './check';
import { compareGoStrings, joinQuote, pluralize, sortedSet } from './format';
import { PodContext } from './visit';
import { goQuote } from '../../kubernetes/go-format';
import { field, isSet, text } from '../../kubernetes/json';

const ANNOTATION_KEY_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedProfileType(t: unknown): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

function allowedAnnotationValue(v: string): boolean {
  return v === '' || v === 'runtime/default' || v.startsWith('localhost/');
}

function appArmorProfileV1Dot0(pod: PodContext): CheckOutcome | undefined {
  const badSetters: string[] = [];
  const badValues: string[] = [];
  const paths: string[] = [];

  const podProfile = pod.securityContext?.appArmorProfile;
  if (isSet(podProfile) && !allowedProfileType(field(podProfile, 'type'))) {
    badSetters.push('pod');
    badValues.push(text(field(podProfile, 'type')));
    paths.push(pod.specPath('securityContext', 'appArmorProfile', 'type'));
  }

  const badContainers = new Offenders();
  for (const c of pod.containers) {
    const profile = c.securityContext?.appArmorProfile;
    if (isSet(profile) && !allowedProfileType(field(profile, 'type'))) {
      badContainers.add(c.name, c.path('securityContext', 'appArmorProfile', 'type'));
      badValues.push(text(field(profile, 'type')));
    }
  }
  if (!badContainers.empty) {
    badSetters.push(containersPhrase(badContainers.names));
    paths.push(...badContainers.paths);
  }

  const annotations = pod.annotations
    .filter((a) => a.key.startsWith(ANNOTATION_KEY_PREFIX) && !allowedAnnotationValue(a.value))
    .map((a) => ({ entry: `${a.key}=${goQuote(a.value)}`, path: a.path }))
    .sort((a, b) => compareGoStrings(a.entry, b.entry));
  const badValueList = sortedSet(badValues);
  if (annotations.length > 0) {
    badValueList.push(...annotations.map((a) => a.entry));
    badSetters.push(pluralize('annotation', 'annotations', annotations.length));
    paths.push(...annotations.map((a) => a.path));
  }

  if (badSetters.length === 0) {
    return undefined;
  }
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValueList.length),
    detail: `${badSetters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValueList)}`,
    paths,
  };
}

export const APP_ARMOR_PROFILE: PssCheck = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minVersion: 0, check: appArmorProfileV1Dot0 }],
};
