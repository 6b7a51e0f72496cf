/**
 * Exposure of a Ray object in CEL, for tenants without `allowExposure`: the Services and Gateways
 * KubeRay creates from it stay inside the cluster network. The same fields as `checkExposure`,
 * `checkServiceExposure` and `refuseExposure` (`policy/tenant-isolation/exposure.ts`).
 *
 * The platform-wide Service policy (`service-exposure.ts`) refuses the Services themselves when
 * KubeRay creates them; judging the templates at `kubectl apply` refuses the object instead of
 * leaving KubeRay retrying a Service it can never create.
 *
 * @module
 */
import { celString } from './expr';
import { CelValidation } from './rule-set';

/** A Service spec `s` (an expression) that stays inside the cluster network: ClusterIP, no external addresses, load-balancer fields or node ports. */
export function serviceSpecClosed(s: string): string {
  return `(${s}.?type.orValue('ClusterIP') == 'ClusterIP' && size(${s}.?externalIPs.orValue([])) == 0`
    + ` && size(${s}.?loadBalancerSourceRanges.orValue([])) == 0 && !${s}.?loadBalancerIP.hasValue() && !${s}.?loadBalancerClass.hasValue()`
    + ` && !${s}.?externalName.hasValue() && ${s}.?ports.orValue([]).all(x, !x.?nodePort.hasValue()))`;
}

const HEAD = 'variables.clusterSpec.?headGroupSpec';
const INCREMENTAL = "object.spec.?upgradeStrategy.?type.orValue('') == 'NewClusterWithIncrementalUpgrade'";
const WHAT = "object.kind + ' ' + object.metadata.?name.orValue(object.metadata.?generateName.orValue(''))";

/**
 * The exposure validations (none for a tenant allowed exposure):
 *
 * - the head Service: `headGroupSpec.serviceType` ClusterIP (or unset), no `enableIngress`, and a
 *   `headGroupSpec.headService` template that stays closed ({@link serviceSpecClosed});
 * - a RayService's `serveService` template closed (KubeRay ignores it under
 *   `NewClusterWithIncrementalUpgrade`);
 * - no `upgradeStrategy.type: NewClusterWithIncrementalUpgrade` (KubeRay would create a Gateway
 *   listening on port 80, of the class `clusterUpgradeOptions.gatewayClassName`).
 */
export function exposureValidations(tenant: string, namespace: string): CelValidation[] {
  const serviceType = `${HEAD}.?serviceType.orValue('ClusterIP') == 'ClusterIP'`;
  const ingress = `${HEAD}.?enableIngress.orValue(false) != true`;
  const headService = serviceSpecClosed(`${HEAD}.?headService.?spec.orValue({})`);
  const serve = serviceSpecClosed('object.spec.?serveService.?spec.orValue({})');
  const fix = 'keep the Services ClusterIP and expose Ray through declared ingress (a Gateway in front), or ask the platform team to allow exposure';
  return [
    {
      expression: `${serviceType} && ${ingress} && ${headService}`,
      messageExpression: `${WHAT} + ${celString(` would expose its head outside the cluster network (tenant ${tenant} may not): `)}`
        + ` + [(${serviceType}) ? '' : 'headGroupSpec.serviceType ' + string(${HEAD}.?serviceType.orValue('')),`
        + ` (${ingress}) ? '' : 'headGroupSpec.enableIngress (KubeRay would create an Ingress)',`
        + ` (${headService}) ? '' : 'headGroupSpec.headService.spec (a type other than ClusterIP, externalIPs, load-balancer fields or node ports)']`
        + `.filter(x, x != '').join(', ') + ${celString(`; ${fix}`)}`,
      message: `Ray objects in namespace ${namespace} keep their head Service ClusterIP, without Ingress, external IPs or node ports: ${fix}`,
      reason: 'Forbidden',
    },
    {
      expression: `object.kind != 'RayService' || ${INCREMENTAL} || ${serve}`,
      messageExpression: `${WHAT} + ${celString(`: its serveService would leave the cluster network (a type other than ClusterIP, externalIPs, load-balancer fields or node ports; tenant ${tenant} may not expose); ${fix}`)}`,
      message: `RayServices in namespace ${namespace} keep their serveService ClusterIP, without external IPs or node ports`,
      reason: 'Forbidden',
    },
    {
      expression: `object.kind != 'RayService' || !(${INCREMENTAL})`,
      messageExpression: `${WHAT} + ${celString(`: upgradeStrategy.type NewClusterWithIncrementalUpgrade makes KubeRay create a Gateway for the serve traffic (tenant ${tenant} may not expose); use NewCluster`)}`,
      message: `RayServices in namespace ${namespace} may not use NewClusterWithIncrementalUpgrade: KubeRay would create a Gateway for the serve traffic`,
      reason: 'Forbidden',
    },
  ];
}
