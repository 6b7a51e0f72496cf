/**
 * The app-level check of the Ray workloads' names: within a namespace, a RayCluster, RayJob or
 * RayService made by this library must not share its name with another of any of the three kinds.
 * Their NetworkPolicies are named after them (`<name>-isolation`, `<name>-head`), and so are the
 * Services KubeRay creates (`<name>-head-svc`): two workloads of one name would have one policy
 * object between them (the last applied wins, leaving the other's pods under foreign rules) and
 * one head Service.
 *
 * Like `app-tenants.ts`, the registry lives on the app's root under a `Symbol.for` key.
 *
 * @module
 */
import { IConstruct } from 'constructs';
import { addToAppList } from './app-tenants';

const REGISTRY = Symbol.for('cdk8s-secure-ray.workloadNames');

/** One workload construct's name. */
export interface WorkloadName {
  /** `RayCluster`, `RayJob` or `RayService`. */
  readonly kind: string;
  /** Its namespace. */
  readonly namespace: string;
  /** Its name. */
  readonly name: string;
  /** The construct path. */
  readonly path: string;
}

/** Records a workload's name on the app's root; one app-level validation judges them all. */
export function declareWorkloadName(construct: IConstruct, kind: string, namespace: string, name: string): void {
  addToAppList(construct, REGISTRY, { kind, namespace, name, path: construct.node.path }, workloadNameCollisions);
}

/** One line per namespace/name used by more than one workload. */
export function workloadNameCollisions(names: readonly WorkloadName[]): string[] {
  const byKey = new Map<string, WorkloadName[]>();
  for (const n of names) {
    const key = `${n.namespace}/${n.name}`;
    byKey.set(key, [...(byKey.get(key) ?? []), n]);
  }
  return [...byKey.entries()].filter(([, list]) => list.length > 1).map(([key, list]) =>
    `workload names: ${list.map((n) => `${n.kind} at ${n.path}`).join(' and ')} are all named "${key}": their NetworkPolicies `
    + `(${key.split('/')[1]}-isolation, -head) and KubeRay's head Service (${key.split('/')[1]}-head-svc) would be one object, `
    + 'the last applied overwriting the others. Fix: give each a distinct name.');
}
