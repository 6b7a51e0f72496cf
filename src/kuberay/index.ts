/**
 * The KubeRay model: constants, and the pods KubeRay builds from a RayCluster. Pure.
 *
 * @module
 */
export * from './constants';
export { buildRayPods, BuildRayPodsOptions } from './pods';
export { RayPod, InjectedContainer } from './pod-build';
export { RayNodeType, rayPodLabels, checkName, checkLabel } from './naming';
