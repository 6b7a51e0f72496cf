import { buildRayPods, BuildRayPodsOptions, RayPod } from '../kuberay';
import { evaluatePodSecurity, PssOptions } from './pod-security';
import type { TenantPod } from './tenant-isolation';
import { JsonObject, Violation } from './types';

const RULE = 'pod-security' as const;

/** Options of {@link checkPodSecurityOfPod} and {@link checkPodSecurityOfRayCluster}. */
export interface PodSecurityRuleOptions extends PssOptions, BuildRayPodsOptions {}

/**
 * `pod-security` for a Pod: the Pod Security Standard at the given level and version.
 * Messages are the admission controller's; paths point into the Pod.
 */
export function checkPodSecurityOfPod(pod: JsonObject, options: PodSecurityRuleOptions = {}): Violation[] {
  return toViolations(evaluatePodSecurity(pod, options), undefined);
}

/**
 * `pod-security` for a RayCluster: judges each pod KubeRay will build from it (the head pod and
 * each worker group's pod) including the containers KubeRay injects. Paths point to where the
 * user changes the setting: the template field, or `spec.autoscalerOptions` for the autoscaler.
 */
export function checkPodSecurityOfRayCluster(rayCluster: JsonObject, options: PodSecurityRuleOptions = {},
  pods: readonly RayPod[] = buildRayPods(rayCluster, options)): Violation[] {
  return checkPodSecurityOfRayPods(pods, options);
}

/** `pod-security` for the pods KubeRay builds from a cluster (of a RayCluster, RayJob or RayService). */
export function checkPodSecurityOfRayPods(pods: readonly RayPod[], options: PodSecurityRuleOptions = {}): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const rayPod of pods) {
    const context = rayPod.nodeType === 'head' ? 'head pod' : `worker pod of group "${rayPod.group}"`;
    for (const v of toViolations(evaluatePodSecurity(rayPod.pod, options, rayPod.source), context)) {
      const key = `${v.path}\u0000${v.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

/** `pod-security` for a pod KubeRay creates beside a cluster (a RayJob's submitter pod); paths point into the document. */
export function checkPodSecurityOfTenantPod(p: TenantPod, options: PodSecurityRuleOptions = {}): Violation[] {
  return toViolations(evaluatePodSecurity(p.pod, options, p.source), p.what);
}

function toViolations(findings: ReturnType<typeof evaluatePodSecurity>, context: string | undefined): Violation[] {
  const out: Violation[] = [];
  for (const f of findings) {
    const paths = f.paths.length > 0 ? f.paths : ['spec'];
    for (const path of paths) {
      out.push({
        rule: RULE,
        check: f.checkId,
        path,
        message: f.message,
        ...(context ? { context } : {}),
        fix: FIXES[f.checkId],
      });
    }
  }
  return out;
}

const FIXES: Record<string, string> = {
  allowPrivilegeEscalation: 'set securityContext.allowPrivilegeEscalation: false on the container',
  capabilities_restricted: 'set securityContext.capabilities.drop: [ALL] and add nothing but NET_BIND_SERVICE',
  capabilities_baseline: 'remove the capability from securityContext.capabilities.add',
  runAsNonRoot: 'set securityContext.runAsNonRoot: true on the pod (or every container)',
  runAsUser: 'do not set runAsUser: 0; use a non-root UID such as 1000',
  seccompProfile_restricted: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod',
  seccompProfile_baseline: 'do not use seccompProfile.type: Unconfined',
  privileged: 'remove securityContext.privileged: true',
  hostNamespaces: 'remove hostNetwork/hostPID/hostIPC',
  hostPathVolumes: 'use emptyDir, configMap, secret, projected or a persistentVolumeClaim instead of hostPath',
  restrictedVolumes: 'use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes',
  hostPorts: 'remove hostPort from the container ports',
  hostProbesAndHostLifecycle: 'remove the host field from probes and lifecycle handlers',
  procMount: 'remove procMount or set it to Default',
  procMount_baseline: 'remove procMount or set it to Default',
  procMount_restricted: 'remove procMount or set it to Default',
  seLinuxOptions: 'remove seLinuxOptions.user/role and use an allowed type',
  sysctls: 'use only the safe sysctls',
  appArmorProfile: 'do not set the AppArmor profile to Unconfined',
  windowsHostProcess: 'remove windowsOptions.hostProcess',
};
