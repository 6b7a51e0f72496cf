/**
 * The KubeRay v1.7.0 model, pure: constants, the pods KubeRay builds from a RayCluster, and what it
 * builds from a RayJob, a RayService and a RayCronJob (the RayCluster, its pods, the submitter, the
 * Services, the Gateway objects) with the validation that makes it refuse them.
 *
 * @module
 */
export * from './constants';
export { buildRayPods, BuildRayPodsOptions } from './pods';
export { RayPod, InjectedContainer } from './pod-build';
export { RayNodeType, rayPodLabels, checkName, checkLabel } from './naming';
export * from './common';
export * from './services';
export * from './validation';
export * from './rayjob';
export * from './rayservice';
export * from './raycronjob';
