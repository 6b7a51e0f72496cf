/**
 * The engine's rule registry: every rule once, with the kinds of document it judges. Adding a
 * rule means adding one entry here; adding a kind means teaching {@link documentKind} and the
 * {@link RuleContext} to read it, then listing it in the rules that apply.
 *
 * @module
 */
import { checkNetworkPolicyInputs } from './network-rule';
import { PssLevel } from './pod-security';
import { checkPodSecurityOfPod, checkPodSecurityOfRayPods, checkPodSecurityOfTenantPod } from './pod-security-rule';
import { checkPodTenancy, tenantOfNamespace } from './pod-tenancy-rule';
import { TenantDefinition } from './tenant-definition';
import { checkServiceExposure, checkTenantIsolation, checkTenantMetadata, checkTenantPod, refuseExposure } from './tenant-isolation';
import { RuleId, Violation } from './types';
import { Workload, workloadOf } from './workload';
import { asObject, asString, JsonObject } from '../kubernetes/json';

/** The kinds of document the engine judges. */
export type DocumentKind = 'RayCluster' | 'RayJob' | 'RayService' | 'RayCronJob' | 'Pod';

/** The KubeRay kinds: each makes KubeRay create a Ray cluster (or a submitter beside one). */
export const RAY_KINDS: readonly DocumentKind[] = ['RayCluster', 'RayJob', 'RayService', 'RayCronJob'];

/** The document kind of a manifest, or `undefined` for a kind no rule judges. */
export function documentKind(doc: JsonObject): DocumentKind | undefined {
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  const kind = doc.kind;
  if (apiVersion.startsWith('ray.io/') && typeof kind === 'string' && (RAY_KINDS as readonly string[]).includes(kind)) return kind as DocumentKind;
  if (kind === 'Pod' && apiVersion === 'v1') return 'Pod';
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
  /** What KubeRay builds from a document of a Ray kind: built once per document, shared by the rules. */
  workload(): Workload;
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
    summary: 'tenant label, namespace, pinning to the tenant\'s nodes and taint, every container within the tenant\'s bounds, no exposure '
      + '(the Ray kinds; Pods in a tenant\'s namespace when tenant definitions are given)',
    kinds: [...RAY_KINDS, 'Pod'],
    applies: (ctx) => ctx.kind !== 'Pod' || podTenant(ctx) !== undefined,
    check: (ctx) => (ctx.kind === 'Pod' ? checkPodTenancy(ctx.doc, podTenant(ctx)!) : tenantIsolation(ctx)),
  },
  {
    id: 'generate-network-policies',
    summary: 'what a generated NetworkPolicy needs: a valid name to select the pods by and a tenant label',
    kinds: RAY_KINDS,
    check: (ctx) => checkNetworkPolicyInputs(ctx.doc),
  },
  {
    id: 'pod-security',
    summary: 'the Pod Security Standard on every pod that will run, the containers KubeRay injects included',
    kinds: [...RAY_KINDS, 'Pod'],
    check: (ctx) => {
      if (ctx.kind === 'Pod') return checkPodSecurityOfPod(ctx.doc, pssOptions(ctx.options));
      const w = ctx.workload();
      return [
        ...checkPodSecurityOfRayPods(w.clusters.flatMap((c) => c.pods), pssOptions(ctx.options)),
        ...w.pods.flatMap((p) => checkPodSecurityOfTenantPod(p, pssOptions(ctx.options))),
      ];
    },
  },
];

/** enforce-tenant-isolation over a workload: its clusters, the pods beside them, its Services. */
function tenantIsolation(ctx: RuleContext): Violation[] {
  const w = ctx.workload();
  const tenants = ctx.options.tenants;
  const out: Violation[] = [];
  for (const c of w.clusters) out.push(...checkTenantIsolation(c.doc, { tenants, pods: c.pods, specPath: c.specPath }));
  // The document's own metadata (and the tenant context) when no cluster carries it (clusterSelector mode).
  const meta: Violation[] = [];
  const tenant = checkTenantMetadata(ctx.doc, tenants, meta);
  if (w.clusters.length === 0) out.push(...meta);
  for (const p of w.pods) checkTenantPod(p, tenant, out);
  if (tenant.def?.allowExposure !== true) {
    for (const s of w.services) checkServiceExposure(s.spec, s.path, s.what, tenant.tenant, out);
    for (const e of w.exposing) refuseExposure(e.path, e.value, e.what, tenant.tenant, out);
  }
  return out;
}

/** The tenant whose namespace a Pod is in (only with tenant definitions). */
function podTenant(ctx: RuleContext): TenantDefinition | undefined {
  return tenantOfNamespace(asString(asObject(ctx.doc.metadata)?.namespace), ctx.options.tenants);
}

function pssOptions(o: RuleOptions) {
  return { level: o.pssLevel, version: o.pssVersion, initContainerInjection: o.initContainerInjection };
}

/** A {@link RuleContext} for one document; the pods are built on first use. */
export function ruleContext(doc: JsonObject, kind: DocumentKind, options: RuleOptions): RuleContext {
  let workload: Workload | undefined;
  return {
    doc,
    kind,
    options,
    workload: () => (workload ??= workloadOf(doc, kind, { initContainerInjection: options.initContainerInjection })),
  };
}
