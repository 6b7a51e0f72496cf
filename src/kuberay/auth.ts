/**
 * Ray token authentication (`spec.authOptions.mode: token`): mirrors `configureTokenAuth`,
 * `SetContainerTokenAuthEnvVars` and `AddRayTokenVolume` (common/pod.go).
 *
 * @module
 */
import { ClusterFacts } from './cluster-facts';
import { INJECTED_CONTAINERS, RAY_VOLUMES } from './constants';
import { arrayAt, hasEnv, initContainersNamed, PodBuild } from './pod-build';
import { JsonMap, namedIndex } from '../kubernetes/json';

/** The Secret key KubeRay stores the token under. */
export const AUTH_TOKEN_KEY = 'auth_token';

/**
 * Mirrors `SetContainerTokenAuthEnvVars(clusterName, container, authOptions)`: `RAY_AUTH_MODE=token`,
 * then either `RAY_ENABLE_K8S_TOKEN_AUTH=true` and the projected token mount, or `RAY_AUTH_TOKEN`
 * from the Secret (`authOptions.secretName`, else `CheckName(clusterName)`, key `auth_token`); each
 * only when the container does not have it already. The RayCluster's pods and the RayJob's
 * submitter (K8sJobMode and SidecarMode) both get it.
 */
export function setContainerTokenAuthEnvVars(container: JsonMap, facts: Pick<ClusterFacts, 'k8sAuth' | 'authSecretName'>): void {
  const env = arrayAt(container, 'env');
  if (!hasEnv(container, 'RAY_AUTH_MODE')) env.push({ name: 'RAY_AUTH_MODE', value: 'token' });
  if (facts.k8sAuth) {
    if (!hasEnv(container, 'RAY_ENABLE_K8S_TOKEN_AUTH')) env.push({ name: 'RAY_ENABLE_K8S_TOKEN_AUTH', value: 'true' });
    const mounts = arrayAt(container, 'volumeMounts');
    if (namedIndex(mounts, RAY_VOLUMES.token.name) < 0) {
      mounts.push({ name: RAY_VOLUMES.token.name, mountPath: RAY_VOLUMES.token.mountPath, readOnly: true });
    }
  } else if (!hasEnv(container, 'RAY_AUTH_TOKEN')) {
    env.push({ name: 'RAY_AUTH_TOKEN', valueFrom: { secretKeyRef: { name: facts.authSecretName, key: AUTH_TOKEN_KEY } } });
  }
}

/** Mirrors `AddRayTokenVolume`: the projected service-account token volume, unless a volume of that name exists. */
export function addRayTokenVolume(podSpec: JsonMap): void {
  const volumes = arrayAt(podSpec, 'volumes');
  if (namedIndex(volumes, RAY_VOLUMES.token.name) < 0) {
    volumes.push({ name: RAY_VOLUMES.token.name, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } });
  }
}

/**
 * Mirrors `configureTokenAuth`: the env on the Ray container and on `wait-gcs-ready`; for
 * Kubernetes token auth, the projected service-account token volume.
 */
export function configureTokenAuth(build: PodBuild): void {
  const facts = build.facts;
  if (!facts.auth) return;
  if (build.ray) setContainerTokenAuthEnvVars(build.ray, facts);
  if (facts.k8sAuth) addRayTokenVolume(build.spec);
  for (const c of initContainersNamed(build, INJECTED_CONTAINERS.waitGcsReady)) setContainerTokenAuthEnvVars(c, facts);
}
