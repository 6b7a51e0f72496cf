/**
 * The pod being built and what the building steps share. Each step in this folder mirrors one
 * upstream function of KubeRay's `common/pod.go` and changes a {@link PodBuild} in place; the
 * input RayCluster is never changed (the build starts from a deep copy of the template).
 *
 * @module
 */
import { ClusterFacts } from './cluster-facts';
import { FixedResources, RAY_CONTAINER_INDEX } from './constants';
import type { RayNodeType } from './naming';
import { asArray, asObject, cloneMap, isMap, JsonMap, JsonObject, JsonValue, named, namedIndex } from '../kubernetes/json';
import type { PodSource } from '../kubernetes/pod';

/** A container KubeRay adds to a pod, and why. */
export interface InjectedContainer {
  /** The container list it is in. */
  readonly list: 'containers' | 'initContainers';
  /** Its name in the pod. */
  readonly name: string;
  /** Why it is there, e.g. `KubeRay injects wait-gcs-ready into every worker pod`. */
  readonly reason: string;
  /** The path the user must change to change its settings, e.g. `spec.autoscalerOptions.securityContext`. */
  readonly settingsFrom?: string;
}

/** One pod KubeRay would build: a template pod for the head or for one worker group. */
export interface RayPod {
  /** `head` or `worker`. */
  readonly nodeType: RayNodeType;
  /** `headgroup`, or the worker group's `groupName`. */
  readonly group: string;
  /** `spec.headGroupSpec` or `spec.workerGroupSpecs[i]`. */
  readonly groupPath: string;
  /** A v1 Pod: `{ apiVersion: 'v1', kind: 'Pod', metadata: {name, generateName, namespace, labels, annotations}, spec }`. */
  readonly pod: JsonObject;
  /** Where each part of `pod` comes from; `containerPaths` covers every container, user and injected. */
  readonly source: PodSource;
  /** The containers KubeRay added, in the order they appear. */
  readonly injected: InjectedContainer[];
  /**
   * Replica counts of the group, in replicas (each replica is `numOfHosts` pods). Head: 1/1/1/1.
   * A suspended worker group has 0/0/0 (it is left out of KubeRay's min/max/desired counts).
   */
  readonly replicas: {
    /** `minReplicas`. */
    readonly min: number;
    /** `maxReplicas`. */
    readonly max: number;
    /** `replicas`, as KubeRay clamps it into [min, max]. */
    readonly desired: number;
    /** Pods per replica (`numOfHosts`, multi-host TPU groups). */
    readonly numOfHosts: number;
  };
}

/** One group of a RayCluster, as the build reads it. */
export interface GroupInput {
  /** `head` or `worker`. */
  readonly nodeType: RayNodeType;
  /** `headgroup` or the worker group's name. */
  readonly group: string;
  /** `spec.headGroupSpec` or `spec.workerGroupSpecs[i]`. */
  readonly groupPath: string;
  /** The group's spec. */
  readonly groupSpec: JsonObject;
}

/** The state the building steps share for one pod. */
export interface PodBuild extends GroupInput {
  /** The cluster-wide facts. */
  readonly facts: ClusterFacts;
  /** `<groupPath>.template.spec`. */
  readonly specPath: string;
  /** `<specPath>.containers[0]`: where the Ray container's settings are changed. */
  readonly rayPath: string;
  /** The pod spec being built (a deep copy of the template's). */
  readonly spec: JsonMap;
  /** `spec.containers`, kept index for index with {@link containerPaths}. */
  readonly containers: JsonValue[];
  /** Where each container's settings come from in the RayCluster. */
  readonly containerPaths: string[];
  /** The init containers, kept index for index with {@link initPaths}. */
  readonly initContainers: JsonValue[];
  /** Where each init container's settings come from. */
  readonly initPaths: string[];
  /** Whether the template had an `initContainers` list (kept even when empty). */
  readonly hadInit: boolean;
  /** The Ray container (`containers[0]`), when the template has one. */
  readonly ray?: JsonMap;
  /** The containers KubeRay added, in order. */
  readonly injected: InjectedContainer[];
  /** The autoscaler sidecar, once injected. */
  autoscaler?: JsonMap;
  /** The history collector sidecar, once injected. */
  collector?: JsonMap;
}

/** Starts the build of one group's pod from a deep copy of its template. */
export function startPod(facts: ClusterFacts, input: GroupInput): PodBuild {
  const specPath = `${input.groupPath}.template.spec`;
  const template = asObject(input.groupSpec.template) ?? {};
  const spec = cloneMap(template.spec);
  const containers = arrayAt(spec, 'containers');
  const hadInit = Array.isArray(spec.initContainers);
  const initContainers: JsonValue[] = hadInit ? (spec.initContainers as JsonValue[]) : [];
  const first = containers[RAY_CONTAINER_INDEX];
  return {
    ...input,
    facts,
    specPath,
    rayPath: `${specPath}.containers[${RAY_CONTAINER_INDEX}]`,
    spec,
    containers,
    containerPaths: containers.map((_, i) => `${specPath}.containers[${i}]`),
    initContainers,
    initPaths: initContainers.map((_, i) => `${specPath}.initContainers[${i}]`),
    hadInit,
    ray: isMap(first) ? first : undefined,
    injected: [],
  };
}

/** Adds an injected init container, first (`prepend`) or last, with its source path and reason. */
export function addInitContainer(build: PodBuild, container: JsonMap, path: string, info: InjectedContainer, prepend: boolean): void {
  if (prepend) {
    build.initContainers.unshift(container);
    build.initPaths.unshift(path);
  } else {
    build.initContainers.push(container);
    build.initPaths.push(path);
  }
  build.injected.push(info);
}

/** Adds an injected sidecar container at the end of `containers`. */
export function addContainer(build: PodBuild, container: JsonMap, path: string, info: InjectedContainer): void {
  build.containers.push(container);
  build.containerPaths.push(path);
  build.injected.push(info);
}

/** The init containers named `name` (KubeRay updates its own init containers by name). */
export function initContainersNamed(build: PodBuild, name: string): JsonMap[] {
  return build.initContainers.filter((c): c is JsonMap => isMap(c) && c.name === name);
}

/** The array at `obj[key]`, creating an empty one when it is missing or not an array. */
export function arrayAt(obj: JsonMap, key: string): JsonValue[] {
  const v = obj[key];
  if (Array.isArray(v)) return v;
  const fresh: JsonValue[] = [];
  obj[key] = fresh;
  return fresh;
}

/** True when the container has an env var of that name (`utils.EnvVarExists`). */
export function hasEnv(container: JsonMap, name: string): boolean {
  return namedIndex(container.env, name) >= 0;
}

/** The Ray container (`containers[0]`, `utils.RayContainerIndex`) of a pod template, when it is an object. */
export function rayContainerOf(template: unknown): JsonMap | undefined {
  const first = asArray(asObject(asObject(template)?.spec)?.containers)[RAY_CONTAINER_INDEX];
  return isMap(first) ? first : undefined;
}

/** Mirrors `utils.FindContainerPort`: the `containerPort` of the first port named `name` (0 when it has none), else `dflt`. */
export function findContainerPort(container: JsonObject | undefined, name: string, dflt: number): number {
  const port = named(container?.ports, name);
  if (!port) return dflt;
  return typeof port.containerPort === 'number' ? port.containerPort : 0;
}

/** Resources in the manifest form. */
export function resourcesJson(r: FixedResources): JsonMap {
  return {
    limits: { cpu: r.limits.cpu, memory: r.limits.memory },
    requests: { cpu: r.requests.cpu, memory: r.requests.memory },
  };
}
