/**
 * Hand-made manifests that pass every rule for tenant `team-a` (label, nodeSelector and
 * toleration `tenant=team-a`, the restricted settings), for tests that break one field at a time.
 */

/** The bounds the tests' team-a tenant has, as the RayCluster annotations the engine reads. */
export const TEAM_A_BOUNDS = { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' };

/** Container resources: limits and requests. */
export interface TemplateResources {
  readonly limits: { readonly cpu: string; readonly memory: string };
  readonly requests: { readonly cpu: string; readonly memory: string };
}

/** A compliant pod template for team-a with one container `name`. */
export function compliantTemplate(name: string, options: { resources?: TemplateResources } = {}): any {
  return {
    metadata: { labels: { tenant: 'team-a' } },
    spec: {
      nodeSelector: { tenant: 'team-a' },
      tolerations: [{ key: 'tenant', operator: 'Equal', value: 'team-a', effect: 'NoSchedule' }],
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name,
        image: 'rayproject/ray:2.52.0',
        // a fresh copy per container: tests mutate one container's resources
        resources: structuredClone(options.resources ?? { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }),
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
}

/** A compliant RayCluster `rc` in team-a: a head and one worker group `w` of {@link compliantTemplate}s. */
export function compliantCluster(options: { resources?: TemplateResources; annotations?: Record<string, string> } = {}): any {
  const template = (name: string) => compliantTemplate(name, { resources: options.resources });
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name: 'rc', namespace: 'team-a', labels: { tenant: 'team-a' }, annotations: options.annotations ?? { ...TEAM_A_BOUNDS } },
    spec: { headGroupSpec: { template: template('ray-head') }, workerGroupSpecs: [{ groupName: 'w', template: template('ray-worker') }] },
  };
}
