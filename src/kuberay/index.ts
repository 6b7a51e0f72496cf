/**
 * The KubeRay v1.7.0 model, pure: constants, the pods KubeRay builds from a RayCluster, and what it
 * builds from a RayJob, a RayService and a RayCronJob (the RayCluster, its pods, the submitter, the
 * Services, the Gateway objects) with the validation that makes it refuse them.
 *
 * The internal barrel of `src/kuberay/`: the rest of the project imports the model from here;
 * nothing of it is exported from `src/index.ts`.
 *
 * @module
 */
export * from './constants';
export { buildRayPods, BuildRayPodsOptions } from './pods';
export { RayPod, InjectedContainer } from './pod-build';
export { RayNodeType, rayPodLabels, checkName, checkLabel } from './naming';
export * from './operator';
export * from './findings';
export * from './rebase';
export * from './services';
export * from './validate-cluster';
export * from './validate-workloads';
export * from './cron';
export * from './runtime-env';
export * from './submitter';
export * from './rayjob';
export * from './rayservice';
export * from './raycronjob';
