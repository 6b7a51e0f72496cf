/**
 * The engine's rule registry: every rule once, with the kinds of document it judges. Adding a
 * rule means adding one entry here; adding a kind means teaching {@link documentKind} and the
 * {@link RuleContext} to read it, then listing it in the rules that apply.
 *
 * @module
 */
import { buildRayPods, RayPod } from '../kuberay';
import { checkNetworkPolicyInputs } from './network-rule';
import { PssLevel } from './pod-security';
import { checkPodSecurityOfPod, checkPodSecurityOfRayCluster } from './pod-security-rule';
import { checkPodTenancy, tenantOfNamespace } from './pod-tenancy-rule';
import { TenantDefinition } from './tenant-definition';
import { checkTenantIsolation } from './tenant-isolation';
import { RuleId, Violation } from './types';
import { asObject, asString, JsonObject } from '../kubernetes/json';

/** The kinds of document the engine judges. */
export type DocumentKind = 'RayCluster' | 'Pod';

/** The document kind of a manifest, or `undefined` for a kind no rule judges. */
export function documentKind(doc: JsonObject): DocumentKind | undefined {
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  if (doc.kind === 'RayCluster' && apiVersion.startsWith('ray.io/')) return 'RayCluster';
  if (doc.kind === 'Pod' && apiVersion === 'v1') return 'Pod';
  return undefined;
}

/** The options every rule may read. */
export interface RuleOptions {
  /** The Pod Security Standards level. */
  readonly pssLevel?: PssLevel;
  /** The Pod Security Standards version. */
  readonly pssVersion?: string;
  /** Whether KubeRay injects its init containers. */
  readonly initContainerInjection?: boolean;
  /** The platform's tenants by name, when given. */
  readonly tenants?: ReadonlyMap<string, TenantDefinition>;
}

/** What a rule sees of one document. */
export interface RuleContext {
  /** The document (an object). */
  readonly doc: JsonObject;
  /** Its kind. */
  readonly kind: DocumentKind;
  /** The options. */
  readonly options: RuleOptions;
  /** The pods KubeRay builds from a RayCluster: built once per document, shared by the rules. */
  rayPods(): readonly RayPod[];
}

/** One rule of the engine. */
export interface RuleDefinition {
  /** The rule's id (part of the CLI and library contract). */
  readonly id: RuleId;
  /** What it asks, in one line. */
  readonly summary: string;
  /** The kinds it judges; any other document skips it. */
  readonly kinds: readonly DocumentKind[];
  /**
   * Whether it judges this document of one of its kinds at all (else `skip`).
   * @default - every document of its kinds
   */
  readonly applies?: (ctx: RuleContext) => boolean;
  /** The violations of one document. */
  readonly check: (ctx: RuleContext) => Violation[];
}

/** Every rule, in report order. */
export const RULES: readonly RuleDefinition[] = [
  {
    id: 'enforce-tenant-isolation',
    summary: 'tenant label, namespace, pinning to the tenant\'s nodes and taint, every container within the tenant\'s bounds '
      + '(RayClusters; Pods in a tenant\'s namespace when tenant definitions are given)',
    kinds: ['RayCluster', 'Pod'],
    applies: (ctx) => ctx.kind === 'RayCluster' || podTenant(ctx) !== undefined,
    check: (ctx) => ctx.kind === 'Pod'
      ? checkPodTenancy(ctx.doc, podTenant(ctx)!)
      : checkTenantIsolation(ctx.doc, { tenants: ctx.options.tenants, pods: ctx.rayPods() }),
  },
  {
    id: 'generate-network-policies',
    summary: 'what a generated NetworkPolicy needs: a valid name to select the pods by and a tenant label',
    kinds: ['RayCluster'],
    check: (ctx) => checkNetworkPolicyInputs(ctx.doc),
  },
  {
    id: 'pod-security',
    summary: 'the Pod Security Standard on every pod that will run, the containers KubeRay injects included',
    kinds: ['RayCluster', 'Pod'],
    check: (ctx) => ctx.kind === 'Pod'
      ? checkPodSecurityOfPod(ctx.doc, pssOptions(ctx.options))
      : checkPodSecurityOfRayCluster(ctx.doc, pssOptions(ctx.options), ctx.rayPods()),
  },
];

/** The tenant whose namespace a Pod is in (only with tenant definitions). */
function podTenant(ctx: RuleContext): TenantDefinition | undefined {
  return tenantOfNamespace(asString(asObject(ctx.doc.metadata)?.namespace), ctx.options.tenants);
}

function pssOptions(o: RuleOptions) {
  return { level: o.pssLevel, version: o.pssVersion, initContainerInjection: o.initContainerInjection };
}

/** A {@link RuleContext} for one document; the pods are built on first use. */
export function ruleContext(doc: JsonObject, kind: DocumentKind, options: RuleOptions): RuleContext {
  let pods: RayPod[] | undefined;
  return {
    doc,
    kind,
    options,
    rayPods: () => (pods ??= kind === 'RayCluster' ? buildRayPods(doc, { initContainerInjection: options.initContainerInjection }) : []),
  };
}
