/**
 * Exposure: a tenant's RayCluster stays inside the cluster network unless the platform allows
 * more. The dashboard/Jobs API runs any code it is sent, and many NetworkPolicy implementations
 * admit traffic from the pod's own node (for kubelet probes): NodePort or LoadBalancer traffic
 * SNATed to a node address may reach it past the policies. `externalIPs` lets a Service capture
 * traffic for any address (CVE-2020-8554).
 *
 * @module
 */
import { asArray, asObject, asString, isSet, JsonObject } from '../../kubernetes/json';
import { Violation } from '../types';

const RULE = 'enforce-tenant-isolation' as const;

/** Refuses each field that would expose a tenant's workload; built once per document. */
type Refuse = (path: string, value: unknown, what: string) => void;

function refuser(tenant: string | undefined, out: Violation[]): Refuse {
  const who = tenant ? `tenant "${tenant}"` : 'this tenant';
  const fix = 'keep the Service ClusterIP and expose Ray through declared ingress (e.g. a Gateway in front, connections.allowFrom), '
    + 'or ask the platform team to allow exposure for the tenant';
  return (path, value, what) => out.push({
    rule: RULE,
    path,
    value: value as JsonObject[string],
    message: `${what}: ${who} may not expose its clusters outside the cluster network`,
    bound: 'ClusterIP, no external addresses',
    fix,
  });
}

/** The head Service of a RayCluster spec at `specPath` (`serviceType`, `headService`) and `enableIngress`, when exposure is not allowed. */
export function checkExposure(spec: JsonObject, specPath: string, tenant: string | undefined, out: Violation[]): void {
  const head = asObject(spec.headGroupSpec);
  if (!head) return;
  const refuse = refuser(tenant, out);
  const headPath = `${specPath}.headGroupSpec`;
  const serviceType = head.serviceType;
  if (isSet(serviceType) && serviceType !== 'ClusterIP') refuse(`${headPath}.serviceType`, serviceType, `the head Service would be of type ${String(serviceType)}`);
  if (head.enableIngress === true) refuse(`${headPath}.enableIngress`, true, 'KubeRay would create an Ingress for the dashboard');
  const svc = asObject(asObject(head.headService)?.spec);
  if (svc) checkServiceSpec(svc, `${headPath}.headService.spec`, 'the head Service', refuse);
}

/** A Service spec KubeRay will create from the user's template (a RayService's `serveService`), when exposure is not allowed. */
export function checkServiceExposure(svc: JsonObject, path: string, what: string, tenant: string | undefined, out: Violation[]): void {
  checkServiceSpec(svc, path, what, refuser(tenant, out));
}

/** Something KubeRay creates that exposes the workload by itself (a RayService's incremental-upgrade Gateway). */
export function refuseExposure(path: string, value: unknown, what: string, tenant: string | undefined, out: Violation[]): void {
  refuser(tenant, out)(path, value, what);
}

function checkServiceSpec(svc: JsonObject, base: string, what: string, refuse: Refuse): void {
  if (isSet(svc.type) && svc.type !== 'ClusterIP') refuse(`${base}.type`, svc.type, `${what} would be of type ${String(svc.type)}`);
  if (asArray(svc.externalIPs).length > 0) refuse(`${base}.externalIPs`, svc.externalIPs, `${what} claims external IPs (CVE-2020-8554)`);
  for (const field of ['loadBalancerSourceRanges', 'loadBalancerIP', 'loadBalancerClass', 'externalName'] as const) {
    if (isSet(svc[field]) && !(Array.isArray(svc[field]) && asArray(svc[field]).length === 0)) {
      refuse(`${base}.${field}`, svc[field], `${what} sets ${field}`);
    }
  }
  asArray(svc.ports).forEach((p, i) => {
    const port = asObject(p);
    if (isSet(port?.nodePort)) refuse(`${base}.ports[${i}].nodePort`, port?.nodePort, `${what}'s port ${asString(port?.name) ?? i} asks for a node port`);
  });
}
