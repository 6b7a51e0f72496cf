/**
 * The volumes `BuildPod` (common/pod.go) adds with `addEmptyDir`: `/dev/shm` for the object
 * store and the `/tmp/ray` log volume the Ray container shares with the autoscaler and the
 * collector; and the `metrics` port it adds to the Ray container.
 *
 * @module
 */
import { METRICS_PORT_NAME, RAY_PORTS, RAY_VOLUMES } from './constants';
import { arrayAt, PodBuild } from './pod-build';
import { asObject, cloneJson, isMap, JsonMap, namedIndex } from '../kubernetes/json';

/**
 * Mirrors `addEmptyDir`: unless the container already mounts `mountPath`, add an emptyDir volume
 * named `volumeName` (if the pod has no volume of that name) and mount it. A memory-backed
 * emptyDir is sized to the container's memory limit, else its memory request.
 */
export function addEmptyDir(spec: JsonMap, container: JsonMap, volumeName: string, mountPath: string, memory: boolean): void {
  const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
  if (mounts.some((m) => isMap(m) && m.mountPath === mountPath)) return;
  const volumes = arrayAt(spec, 'volumes');
  if (namedIndex(volumes, volumeName) < 0) {
    const emptyDir: JsonMap = {};
    if (memory) {
      emptyDir.medium = 'Memory';
      const res = asObject(container.resources) ?? {};
      const limits = asObject(res.limits) ?? {};
      const requests = asObject(res.requests) ?? {};
      const size = limits.memory !== undefined ? limits.memory : requests.memory;
      if (size !== undefined) emptyDir.sizeLimit = cloneJson(size);
    }
    volumes.push({ name: volumeName, emptyDir });
  }
  arrayAt(container, 'volumeMounts').push({ name: volumeName, mountPath, readOnly: false });
}

/** Adds the `metrics` port (8080) to the Ray container unless it has a port of that name. */
export function addMetricsPort(build: PodBuild): void {
  if (!build.ray) return;
  const ports = arrayAt(build.ray, 'ports');
  if (namedIndex(ports, METRICS_PORT_NAME) < 0) ports.push({ name: METRICS_PORT_NAME, containerPort: RAY_PORTS.metrics });
}

/** `/dev/shm` (unless `rayStartParams.plasma-directory` is set) and the shared `/tmp/ray` log volume. */
export function addSharedVolumes(build: PodBuild): void {
  const { spec, ray, autoscaler, collector } = build;
  const logs = RAY_VOLUMES.logs;
  if (ray) {
    const rayStartParams = asObject(build.groupSpec.rayStartParams) ?? {};
    if (rayStartParams['plasma-directory'] === undefined) {
      addEmptyDir(spec, ray, RAY_VOLUMES.sharedMemory.name, RAY_VOLUMES.sharedMemory.mountPath, true);
    }
    if (autoscaler) {
      addEmptyDir(spec, ray, logs.name, logs.mountPath, false);
      addEmptyDir(spec, autoscaler, logs.name, logs.mountPath, false);
    }
    if (collector) {
      addEmptyDir(spec, ray, logs.name, logs.mountPath, false);
      addEmptyDir(spec, collector, logs.name, logs.mountPath, false);
    }
  } else {
    if (autoscaler) addEmptyDir(spec, autoscaler, logs.name, logs.mountPath, false);
    if (collector) addEmptyDir(spec, collector, logs.name, logs.mountPath, false);
  }
}
