/**
 * Field paths from an embedded document to the document the user wrote: the RayClusterSpec
 * inside a RayJob (`spec.rayClusterSpec`) or a RayService (`spec.rayClusterConfig`), the RayJob
 * inside a RayCronJob (`spec.jobTemplate`). The pods, refusals and notes of the embedded document
 * are computed with its own paths (`spec.…`), then rebased here.
 *
 * @module
 */
import type { KubeRayNote } from './findings';
import type { InjectedContainer, RayPod } from './pod-build';
import type { PodSource } from '../kubernetes/pod';

/**
 * Rewrites a path of the embedded document to the outer one: `spec` and `spec.…` become
 * `<specPath>` and `<specPath>.…`; `metadata…` paths stay (they name the outer object's
 * metadata). A trailing note after whitespace is kept, and `spec.` at the start of a word inside
 * the note is rewritten too.
 */
export function rebasePath(path: string, specPath: string): string {
  const ws = path.search(/\s/);
  const head = ws < 0 ? path : path.slice(0, ws);
  const note = ws < 0 ? '' : path.slice(ws);
  return rebaseHead(head, specPath) + rebaseText(note, specPath);
}

function rebaseHead(head: string, specPath: string): string {
  if (head === 'spec') return specPath;
  if (head.startsWith('spec.') || head.startsWith('spec[')) return specPath + head.slice(4);
  return head;
}

/** Rewrites every `spec.…` path that starts a word in free text (the reasons of injected containers). */
export function rebaseText(text: string, specPath: string): string {
  return text.replace(/(^|[\s(`'"])spec(?=[.[])/g, (_, pre: string) => `${pre}${specPath}`);
}

/** A {@link PodSource} with every path rebased ({@link rebasePath}). */
export function rebaseSource(source: PodSource, specPath: string): PodSource {
  const paths = source.containerPaths;
  const map = (list: readonly string[] | undefined): string[] | undefined => list?.map((p) => rebasePath(p, specPath));
  const containerPaths: { containers?: string[]; initContainers?: string[]; ephemeralContainers?: string[] } = {};
  if (paths?.containers) containerPaths.containers = map(paths.containers);
  if (paths?.initContainers) containerPaths.initContainers = map(paths.initContainers);
  if (paths?.ephemeralContainers) containerPaths.ephemeralContainers = map(paths.ephemeralContainers);
  return {
    metadataPath: rebasePath(source.metadataPath, specPath),
    specPath: rebasePath(source.specPath, specPath),
    ...(paths ? { containerPaths } : {}),
  };
}

/** An {@link InjectedContainer} with its paths and reason rebased. */
export function rebaseInjected(info: InjectedContainer, specPath: string): InjectedContainer {
  return {
    list: info.list,
    name: info.name,
    reason: rebaseText(info.reason, specPath),
    ...(info.settingsFrom !== undefined ? { settingsFrom: rebasePath(info.settingsFrom, specPath) } : {}),
  };
}

/** A {@link RayPod} built from an embedded RayClusterSpec, with every path pointing into the outer document. */
export function rebaseRayPod(pod: RayPod, specPath: string): RayPod {
  return {
    nodeType: pod.nodeType,
    group: pod.group,
    groupPath: rebasePath(pod.groupPath, specPath),
    pod: pod.pod,
    source: rebaseSource(pod.source, specPath),
    injected: pod.injected.map((i) => rebaseInjected(i, specPath)),
    replicas: pod.replicas,
  };
}

/** A `KubeRayRefusal` or {@link KubeRayNote} with its path rebased. */
export function rebaseFinding<T extends KubeRayNote>(finding: T, specPath: string): T {
  return { ...finding, path: rebasePath(finding.path, specPath) };
}
