/**
 * Ray token authentication (`spec.authOptions.mode: token`): mirrors `configureTokenAuth` and
 * `SetContainerTokenAuthEnvVars` (common/pod.go).
 *
 * @module
 */
import { ClusterFacts } from './cluster-facts';
import { INJECTED_CONTAINERS, RAY_VOLUMES } from './constants';
import { arrayAt, hasEnv, initContainersNamed, namedIndex, PodBuild } from './pod-build';
import { JsonMap } from '../kubernetes/json';

/** The Secret key KubeRay stores the token under. */
export const AUTH_TOKEN_KEY = 'auth_token';

/** Mirrors `SetContainerTokenAuthEnvVars`: auth mode env, the token from a Secret or the projected SA token. */
export function setContainerTokenAuthEnvVars(container: JsonMap, facts: ClusterFacts): void {
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

/**
 * Mirrors `configureTokenAuth`: the env on the Ray container and on `wait-gcs-ready`; for
 * Kubernetes token auth, the projected service-account token volume.
 */
export function configureTokenAuth(build: PodBuild): void {
  const facts = build.facts;
  if (!facts.auth) return;
  if (build.ray) setContainerTokenAuthEnvVars(build.ray, facts);
  if (facts.k8sAuth) {
    const volumes = arrayAt(build.spec, 'volumes');
    if (namedIndex(volumes, RAY_VOLUMES.token.name) < 0) {
      volumes.push({ name: RAY_VOLUMES.token.name, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } });
    }
  }
  for (const c of initContainersNamed(build, INJECTED_CONTAINERS.waitGcsReady)) setContainerTokenAuthEnvVars(c, facts);
}
