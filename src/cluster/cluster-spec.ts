/**
 * The Ray cluster spec (head group, worker groups, autoscaler): a checked config rendered in the
 * generated KubeRay types' form. One renderer for a RayCluster's `spec`, a RayJob's
 * `rayClusterSpec` and a RayService's `rayClusterConfig`.
 *
 * @module
 */
import { RayAuthentication } from './config';
import { containerSecurityContext, renderPodTemplate, renderResources } from './pod-template';
import { ResolvedClusterConfig, ResolvedGroup } from './resolved';

type Json = Record<string, any>;

/** Renders the cluster spec: `rayVersion`, the autoscaler, `headGroupSpec` and `workerGroupSpecs`. */
export function renderClusterSpec(c: ResolvedClusterConfig): Json {
  const a = c.autoscaling;
  const template = (g: ResolvedGroup, autoscalerInPod: boolean) => renderPodTemplate(g, {
    tenant: c.tenant, image: c.image, runAsUser: c.runAsUser, runAsGroup: c.runAsGroup, autoscalerInPod,
  });
  const spec: Json = {
    rayVersion: c.rayVersion,
    authOptions: c.authentication === RayAuthentication.TOKEN ? { mode: 'token' } : undefined,
    enableInTreeAutoscaling: a ? true : undefined,
    autoscalerOptions: a ? {
      idleTimeoutSeconds: a.idleTimeoutSeconds,
      upscalingMode: a.upscalingMode,
      version: a.version,
      image: c.image,
      resources: renderResources(a.resources, undefined, { cpu: '0', memory: '0' }),
      securityContext: containerSecurityContext(undefined),
    } : undefined,
    headGroupSpec: {
      serviceType: 'ClusterIP',
      rayStartParams: { ...c.head.rayStartParams },
      template: template(c.head, a !== undefined),
    },
    workerGroupSpecs: c.workers.map((w) => ({
      groupName: w.groupName,
      replicas: w.replicas?.desired,
      minReplicas: w.replicas?.min,
      maxReplicas: w.replicas?.max,
      rayStartParams: { ...w.rayStartParams },
      template: template(w, false),
    })),
  };
  // Undefined fields are dropped by the generated types' mapper when the L1 renders.
  return spec;
}
