/**
 * A read-only view of the pod being judged: its parts, its containers in the order
 * upstream visits them (init containers, containers, ephemeral containers), the
 * API-server defaults applied, and for every part the path where it lives in the
 * document the user wrote.
 *
 * @module
 */
import { JsonObject, JsonValue } from '../types';
import { effectiveHostPort, effectiveVolumeSources } from './defaults';
import { asArray, asObject, childPath, field, text } from '../../kubernetes/json';
import { CONTAINER_KINDS, ContainerKind, PodSource, POD_SOURCE } from '../../kubernetes/pod';

export { CONTAINER_KINDS, POD_SOURCE } from '../../kubernetes/pod';
export type { ContainerKind, PodSource } from '../../kubernetes/pod';

/** A container port with the host-network default applied. */
export interface PortView {
  /** The effective `hostPort`. */
  readonly hostPort: JsonValue | undefined;
  /** Path of the field the effective value comes from (`hostPort`, or `containerPort` when defaulted). */
  readonly path: string;
}

/** One container, init container or ephemeral container. */
export interface ContainerView {
  readonly kind: ContainerKind;
  readonly index: number;
  /** The container name as upstream prints it (`""` when missing). */
  readonly name: string;
  /** The container definition (`{}` when the list entry is not an object). */
  readonly def: JsonObject;
  /** `securityContext`, when it is an object. */
  readonly securityContext: JsonObject | undefined;
  /** Ports with the host-network default applied. */
  readonly ports: readonly PortView[];
  /** Path of a field of this container in the user's document. */
  path(...segments: Array<string | number>): string;
}

/** One pod volume with the empty-source default applied. */
export interface VolumeView {
  readonly index: number;
  readonly name: string;
  /** Volume source keys set on the volume; `['emptyDir']` for a volume that sets none. */
  readonly sources: readonly string[];
  path(...segments: Array<string | number>): string;
}

/** One annotation of the pod. */
export interface AnnotationView {
  readonly key: string;
  readonly value: string;
  readonly path: string;
}

/** Everything a check reads. */
export interface PodContext {
  readonly spec: JsonObject;
  /** `spec.securityContext`, when it is an object. */
  readonly securityContext: JsonObject | undefined;
  readonly annotations: readonly AnnotationView[];
  readonly containers: readonly ContainerView[];
  readonly volumes: readonly VolumeView[];
  /** `spec.os.name == "windows"`. */
  readonly isWindows: boolean;
  /** `spec.hostUsers == false`: the pod runs in a user namespace. */
  readonly userNamespace: boolean;
  /** Path of a field of the pod spec in the user's document. */
  specPath(...segments: Array<string | number>): string;
}

/** Builds the view of a pod (`{metadata, spec}`) whose parts live where `source` says. */
export function podContext(pod: unknown, suppliedSource?: PodSource): PodContext {
  const source: PodSource = typeof suppliedSource === 'object' && suppliedSource !== null ? suppliedSource : POD_SOURCE;
  const metadata = asObject(field(pod, 'metadata')) ?? {};
  const spec = asObject(field(pod, 'spec')) ?? {};
  const metadataBase = typeof source.metadataPath === 'string' ? source.metadataPath : POD_SOURCE.metadataPath;
  const specBase = typeof source.specPath === 'string' ? source.specPath : POD_SOURCE.specPath;
  const specPath = (...segments: Array<string | number>) => childPath(specBase, ...segments);
  const hostNetwork = spec.hostNetwork === true;

  const annotations: AnnotationView[] = Object.entries(asObject(metadata.annotations) ?? {}).map(([key, value]) => ({
    key,
    value: text(value),
    path: childPath(metadataBase, 'annotations', key),
  }));

  const containers: ContainerView[] = [];
  for (const kind of CONTAINER_KINDS) {
    const given: unknown = asObject(source.containerPaths)?.[kind];
    asArray(spec[kind]).forEach((entry, index) => {
      const def = asObject(entry) ?? {};
      const supplied: unknown = Array.isArray(given) ? given[index] : undefined;
      const base = typeof supplied === 'string' ? supplied : specPath(kind, index);
      const path = (...segments: Array<string | number>) => childPath(base, ...segments);
      const ports = asArray(def.ports).map((port, j): PortView => {
        // ephemeral containers may not declare ports, and the API server does not default theirs
        const effective = effectiveHostPort(port, hostNetwork && kind !== 'ephemeralContainers');
        return { hostPort: effective.value, path: path('ports', j, effective.from) };
      });
      containers.push({
        kind,
        index,
        name: text(def.name),
        def,
        securityContext: asObject(def.securityContext),
        ports,
        path,
      });
    });
  }

  const volumes: VolumeView[] = asArray(spec.volumes).map((entry, index) => ({
    index,
    name: text(field(entry, 'name')),
    sources: effectiveVolumeSources(entry).sources,
    path: (...segments: Array<string | number>) => specPath('volumes', index, ...segments),
  }));

  return {
    spec,
    securityContext: asObject(spec.securityContext),
    annotations,
    containers,
    volumes,
    isWindows: field(spec.os, 'name') === 'windows',
    userNamespace: spec.hostUsers === false,
    specPath,
  };
}
