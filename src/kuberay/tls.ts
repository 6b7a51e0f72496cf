/**
 * mTLS between Ray components (`spec.tlsOptions.enabled`, gate-protected): mirrors
 * `configureTLS` and `SetContainerTLSConfig` (common/pod.go).
 *
 * @module
 */
import { INJECTED_CONTAINERS, INJECTED_RESOURCES, RAY_VOLUMES, TLS_SECRET_PREFIXES } from './constants';
import type { RayNodeType } from './naming';
import { addInitContainer, arrayAt, hasEnv, initContainersNamed, PodBuild, resourcesJson } from './pod-build';
import { cloneJson, isMap, JsonMap, namedIndex } from '../kubernetes/json';

/** Mirrors `SetContainerTLSConfig`: the TLS env vars and the read-only TLS Secret mount. */
export function setContainerTLSConfig(container: JsonMap): void {
  const dir = RAY_VOLUMES.tls.mountPath;
  const env = arrayAt(container, 'env');
  const tlsEnv: Array<[string, string]> = [
    ['RAY_USE_TLS', '1'],
    ['RAY_TLS_SERVER_CERT', `${dir}/tls.crt`],
    ['RAY_TLS_SERVER_KEY', `${dir}/tls.key`],
    ['RAY_TLS_CA_CERT', `${dir}/ca.crt`],
  ];
  for (const [name, value] of tlsEnv) {
    if (!hasEnv(container, name)) env.push({ name, value });
  }
  const mounts = arrayAt(container, 'volumeMounts');
  const mounted = mounts.some((m) => isMap(m) && (m.name === RAY_VOLUMES.tls.name || m.mountPath === dir));
  if (!mounted) mounts.push({ name: RAY_VOLUMES.tls.name, mountPath: dir, readOnly: true });
}

/**
 * The init container `configureTLS` prepends: the Ray container's image, pull policy and
 * securityContext, the TLS Secret mounted read-only, and fixed resources of 50m/64Mi.
 */
export function buildTLSInit(ray: JsonMap): JsonMap {
  const c: JsonMap = { name: INJECTED_CONTAINERS.tlsInit };
  if (ray.image !== undefined) c.image = cloneJson(ray.image);
  if (ray.imagePullPolicy !== undefined) c.imagePullPolicy = cloneJson(ray.imagePullPolicy);
  if (isMap(ray.securityContext)) c.securityContext = cloneJson(ray.securityContext);
  c.env = [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }];
  c.volumeMounts = [{ name: RAY_VOLUMES.tls.name, mountPath: RAY_VOLUMES.tls.mountPath, readOnly: true }];
  c.resources = resourcesJson(INJECTED_RESOURCES.tlsInit);
  return c;
}

/**
 * Mirrors `utils.GetTLSSecretName`: the Secret behind the mTLS volume, which cert-manager fills
 * from the node type's Certificate: `ray-head-secret-<cluster>` for the head,
 * `ray-worker-secret-<cluster>` for workers (`RayHeadSecretPrefix`, `RayWorkerSecretPrefix`).
 */
export function tlsSecretName(clusterName: string, nodeType: RayNodeType): string {
  return `${TLS_SECRET_PREFIXES[nodeType]}-${clusterName}`;
}

/**
 * Mirrors `configureTLS`: the TLS Secret volume, the TLS settings on the Ray container and on
 * `wait-gcs-ready`, and `wait-for-tls-ip-san` prepended (skipped when one of that name exists).
 */
export function configureTLS(build: PodBuild): void {
  const ray = build.ray;
  if (!build.facts.tls || !ray) return;
  const volumes = arrayAt(build.spec, 'volumes');
  if (namedIndex(volumes, RAY_VOLUMES.tls.name) < 0) {
    volumes.push({ name: RAY_VOLUMES.tls.name, secret: { secretName: tlsSecretName(build.facts.name, build.nodeType) } });
  }
  setContainerTLSConfig(ray);
  for (const c of initContainersNamed(build, INJECTED_CONTAINERS.waitGcsReady)) setContainerTLSConfig(c);
  if (namedIndex(build.initContainers, INJECTED_CONTAINERS.tlsInit) < 0) {
    addInitContainer(build, buildTLSInit(ray), build.rayPath, {
      list: 'initContainers',
      name: INJECTED_CONTAINERS.tlsInit,
      reason: 'KubeRay injects wait-for-tls-ip-san into every Ray pod because spec.tlsOptions.enabled is true; '
        + 'it copies the Ray container\'s image and securityContext',
      settingsFrom: `${build.rayPath}.securityContext`,
    }, true);
  }
}
