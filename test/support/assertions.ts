import { Manifest, templates } from './manifests';
import { TenantProfile } from '../../src';
import { Quantity } from '../../src/kubernetes/quantity';

/** Every container of a template, with its path. */
function containersOf(path: string, template: Manifest): { path: string; c: Manifest }[] {
  const spec = template.spec;
  return [
    ...(spec.containers ?? []).map((c: Manifest, i: number) => ({ path: `${path}.spec.containers[${i}]`, c })),
    ...(spec.initContainers ?? []).map((c: Manifest, i: number) => ({ path: `${path}.spec.initContainers[${i}]`, c })),
  ];
}

/** Asserts every security-relevant field of every container, one by one. */
export function assertHardened(rc: Manifest, tenant: TenantProfile): void {
  expect(rc.metadata.labels.tenant).toBe(tenant.name);
  expect(rc.metadata.namespace).toBe(tenant.namespace);
  expect(rc.metadata.annotations).toMatchObject(tenant.boundAnnotations());
  expect(rc.spec.headGroupSpec.serviceType).toBe('ClusterIP');
  expect(rc.spec.headGroupSpec.enableIngress).toBeUndefined();
  expect(rc.spec.headGroupSpec.headService).toBeUndefined();
  const maxGpu = tenant.bounds.extendedResources?.['nvidia.com/gpu'];
  const max = { cpu: Quantity.parse(tenant.bounds.maxCpu), memory: Quantity.parse(tenant.bounds.maxMemory) };
  const min = { cpu: Quantity.parse(tenant.bounds.minCpu), memory: Quantity.parse(tenant.bounds.minMemory) };
  for (const { path, template } of templates(rc)) {
    const spec = template.spec;
    expect([path, template.metadata.labels.tenant]).toEqual([path, tenant.name]);
    expect([path, spec.nodeSelector[tenant.nodeLabelKey]]).toEqual([path, tenant.nodeLabelValue]);
    expect(spec.tolerations).toContainEqual({ key: tenant.taintKey, operator: 'Equal', value: tenant.taintValue, effect: tenant.taintEffect });
    expect(spec.securityContext.runAsNonRoot).toBe(true);
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(spec.securityContext.runAsUser).not.toBe(0);
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.hostPID).toBeUndefined();
    expect(spec.hostIPC).toBeUndefined();
    for (const v of spec.volumes ?? []) {
      const types = Object.keys(v).filter((k) => k !== 'name');
      expect([path, v.name, types.every((t) => ['emptyDir', 'configMap', 'secret', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'csi', 'ephemeral'].includes(t))]).toEqual([path, v.name, true]);
    }
    const gpuRequested = containersOf(path, template).some(({ c }) => Number(c.resources?.limits?.['nvidia.com/gpu'] ?? 0) > 0);
    expect([path, spec.tolerations.some((t: Manifest) => t.key === 'nvidia.com/gpu')]).toEqual([path, gpuRequested]);
    for (const { path: cpath, c } of containersOf(path, template)) {
      const sc = c.securityContext;
      const gpus = c.resources.limits['nvidia.com/gpu'];
      const gpusWithin = gpus !== undefined && maxGpu !== undefined && Quantity.parse(gpus).lessOrEqual(Quantity.parse(maxGpu));
      if (gpus !== undefined) expect([cpath, gpusWithin]).toEqual([cpath, true]);
      const nvidiaEnv = (c.env ?? []).some((e: Manifest) => e.name === 'NVIDIA_VISIBLE_DEVICES');
      if (gpus === undefined) expect([cpath, nvidiaEnv]).toEqual([cpath, false]);
      expect([cpath, sc.allowPrivilegeEscalation]).toEqual([cpath, false]);
      expect([cpath, sc.capabilities.drop]).toEqual([cpath, ['ALL']]);
      expect([cpath, (sc.capabilities.add ?? []).filter((x: string) => x !== 'NET_BIND_SERVICE')]).toEqual([cpath, []]);
      expect([cpath, sc.privileged ?? false]).toEqual([cpath, false]);
      expect([cpath, sc.runAsUser ?? 1]).not.toEqual([cpath, 0]);
      expect([cpath, (c.ports ?? []).filter((p: Manifest) => p.hostPort !== undefined)]).toEqual([cpath, []]);
      for (const r of ['cpu', 'memory'] as const) {
        const limit = Quantity.parse(c.resources.limits[r]);
        const request = Quantity.parse(c.resources.requests[r]);
        expect([cpath, r, limit.lessOrEqual(max[r])]).toEqual([cpath, r, true]);
        expect([cpath, r, request.greaterOrEqual(min[r])]).toEqual([cpath, r, true]);
        expect([cpath, r, request.lessOrEqual(limit)]).toEqual([cpath, r, true]);
      }
    }
  }
  if (rc.spec.enableInTreeAutoscaling) {
    const a = rc.spec.autoscalerOptions;
    expect(a.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const r of ['cpu', 'memory'] as const) {
      expect(Quantity.parse(a.resources.limits[r]).lessOrEqual(max[r])).toBe(true);
      expect(Quantity.parse(a.resources.requests[r]).greaterOrEqual(min[r])).toBe(true);
    }
  }
}

