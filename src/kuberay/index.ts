/**
 * Pure models of what the KubeRay v1.7.0 operator builds from a RayJob, a RayService and a
 * RayCronJob (the RayCluster, its pods, the submitter, the Services, the Gateway objects) and of
 * the validation that makes it refuse them. The RayCluster pods themselves come from
 * `buildRayPods` (`src/policy/kuberay-pods.ts`).
 *
 * @module
 */
export * from './common';
export * from './services';
export * from './validation';
export * from './rayjob';
export * from './rayservice';
export * from './raycronjob';
