/**
 * What the three workload constructs (RayCluster, RayJob, RayService) check and resolve the same
 * way: the props object, the tenant, the network options, the extra labels and the sync waves.
 *
 * @module
 */
import { Names } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { declareTenantUse } from '../app-tenants';
import { isDns1035Label } from '../kubernetes/names';
import { NetworkOptions, ResolvedNetwork, resolveNetworkOptions } from '../network/options';
import { TenantProfile } from '../tenant';
import { checkLabels, describe, optionalInt, PropsError, requireString } from '../validation';

/** ArgoCD sync waves of a RayJob's or RayService's objects. */
export interface WorkloadSyncWaves {
  /**
   * Wave of its NetworkPolicies.
   * @default SyncWaves.NETWORK_POLICY (-1)
   */
  readonly networkPolicy?: number;
  /**
   * Wave of the RayJob or RayService.
   * @default SyncWaves.WORKLOAD (0)
   */
  readonly workload?: number;
}

/** The props every workload construct has. */
export interface WorkloadBaseProps {
  /** The tenant. */
  readonly tenant: TenantProfile;
  /** The network options. */
  readonly network?: NetworkOptions;
  /** Extra labels. */
  readonly labels?: Record<string, string>;
}

/** The checked common props. */
export interface ResolvedWorkloadBase {
  /** The tenant. */
  readonly tenant: TenantProfile;
  /** Names a prop for an error message (`<construct path>: <prop>`). */
  readonly where: (prop: string) => string;
  /** The network options. */
  readonly network: ResolvedNetwork;
  /** The extra labels (without `tenant`). */
  readonly labels: Record<string, string>;
}

/** Checks the props object, the tenant, the network options and the labels of a workload construct. */
export function resolveWorkloadBase(scope: Construct, props: WorkloadBaseProps): ResolvedWorkloadBase {
  const path = scope.node.path;
  if (props === null || typeof props !== 'object') throw new PropsError(`${path}: expected props { tenant, ... }, got ${describe(props)}`);
  if (!TenantProfile.isTenantProfile(props.tenant)) {
    throw new PropsError(`${path}: props.tenant must be a TenantProfile (new TenantProfile({...})), got ${describe(props.tenant)}`);
  }
  const where = (prop: string) => `${path}: ${prop}`;
  const network = resolveNetworkOptions(where('network'), props.network);
  // The tenant (and its DNS target and operator location) joins the app-level check of every tenant the app uses.
  declareTenantUse(scope, { tenants: [props.tenant], dns: network.dns, dnsProp: 'network.dns', operator: network.operator });
  return {
    tenant: props.tenant,
    where,
    network,
    labels: checkLabels(where('labels'), props.labels),
  };
}

/** A sync-wave annotation value, checked. */
export function syncWave(where: (prop: string) => string, waves: unknown, key: string, fallback: number): string {
  if (waves === undefined) return String(fallback);
  if (waves === null || typeof waves !== 'object') throw new PropsError(`${where('syncWaves')}: expected an object, got ${describe(waves)}`);
  return String(optionalInt(where(`syncWaves.${key}`), (waves as Record<string, unknown>)[key], fallback, -1000));
}

/** Why a RayJob's or RayService's rendered name must stay the one it was built with. */
export const RENAMED_WORKLOAD = 'the app-level check that no two workloads share a name judged the built name, and KubeRay names the cluster, the '
  + 'head Service and the submitter Job after it';

/** KubeRay's longest RayJob and RayService name (their clusters are named `<name>-<5 chars>`). */
export const MAX_WORKLOAD_NAME = 47;

/**
 * The name of a RayJob or RayService: the one given (a DNS-1035 label of at most 47 characters, as
 * KubeRay requires), else one derived from the construct path.
 */
export function workloadName(scope: Construct, where: (prop: string) => string, given: unknown): string {
  const what = `a DNS-1035 label of at most ${MAX_WORKLOAD_NAME} characters (lowercase letters, digits and "-", starting with a letter)`;
  if (given !== undefined) return requireString(where('name'), given, (v) => isDns1035Label(v) && v.length <= MAX_WORKLOAD_NAME, what);
  const derived = Names.toDnsLabel(scope, { maxLen: MAX_WORKLOAD_NAME });
  if (!isDns1035Label(derived)) throw new PropsError(`${where('name')}: the name derived from the construct path, ${JSON.stringify(derived)}, is not ${what}; set name`);
  return derived;
}

/** An object prop (a Ray runtime environment, a Serve config) as YAML text; it must be plain data. */
export function yamlOfObject(prop: string, value: unknown, expected: string): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PropsError(`${prop}: expected ${expected}, got ${describe(value)}`);
  try {
    return stringify(JSON.parse(JSON.stringify(value)));
  } catch (e) {
    throw new PropsError(`${prop}: not plain data (${String((e as Error)?.message ?? e)})`);
  }
}
