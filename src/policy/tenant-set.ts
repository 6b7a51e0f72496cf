/**
 * The rules on a set of tenants, wherever more than one is known — an app's constructs, the
 * admission policy's tenant list, the CLI's `--tenants` file: no two tenants share a namespace,
 * a node label or a taint; one name is one definition; no name is reserved; no DNS egress rule
 * points into a tenant's namespace. Pure: plain definitions in, problems out.
 *
 * @module
 */
import { tenantNamespace, TenantDefinition, TENANT_LABEL } from './tenant-definition';
import { reservedNamespaceReason, reservedNodeLabelKeyReason, reservedTaintKeyReason } from '../kubernetes/names';
import { Quantity } from '../kubernetes/quantity';

/** A tenant's placement with the defaults applied (as `TenantProfile` applies them). */
export interface TenantPlacement {
  /** The namespace. */
  readonly namespace: string;
  /** The node label key. */
  readonly nodeLabelKey: string;
  /** The node label value. */
  readonly nodeLabelValue: string;
  /** The taint key. */
  readonly taintKey: string;
  /** The taint value. */
  readonly taintValue: string;
}

/** The placement of a definition: its fields, else the defaults (`tenant` label and taint, the name). */
export function tenantPlacement(def: TenantDefinition): TenantPlacement {
  return {
    namespace: tenantNamespace(def),
    nodeLabelKey: def.nodeLabelKey ?? TENANT_LABEL,
    nodeLabelValue: def.nodeLabelValue ?? def.name,
    taintKey: def.taintKey ?? TENANT_LABEL,
    taintValue: def.taintValue ?? def.name,
  };
}

/** One problem of a tenant set. */
export interface TenantSetProblem {
  /** The tenants involved (one or two names). */
  readonly tenants: readonly string[];
  /** The index in the input of the definition the problem is found at (the later one of a pair). */
  readonly index: number;
  /** What is wrong and why, naming the tenants and the value. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * A platform peer some object of the set lets its pods talk to, and where: the DNS pods its DNS
 * egress rule reaches, or the KubeRay operator pods its head policy lets in. Either must live
 * outside every tenant's namespace, or that tenant's pods would match the rule.
 */
export interface DnsUse {
  /** What the peer is. @default 'dns' */
  readonly role?: 'dns' | 'operator';
  /** The namespace of the peer's pods. */
  readonly namespace: string;
  /** The peer pods' labels. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The DNS port (for `dns`). */
  readonly port?: number;
  /** Who renders it, for the message (e.g. `TenantNamespace(team-a).dns`). */
  readonly where: string;
}

/** JSON with sorted keys, so two definitions compare by content. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** A definition with its defaults applied, for comparing two definitions of one name. */
function normalized(def: TenantDefinition): string {
  const bounds = def.bounds ?? {};
  // Quantities compare by value: '500m' and '0.5' are the same bound.
  const text = (v: unknown) => (v === undefined ? undefined : Quantity.tryParse(v)?.toString() ?? String(v));
  return canonical({
    ...tenantPlacement(def),
    taintEffect: def.taintEffect,
    allowExposure: def.allowExposure === true,
    bounds: {
      minCpu: text(bounds.minCpu),
      maxCpu: text(bounds.maxCpu),
      minMemory: text(bounds.minMemory),
      maxMemory: text(bounds.maxMemory),
      extendedResources: Object.fromEntries(Object.entries(bounds.extendedResources ?? {}).map(([k, v]) => [k, text(v)])),
    },
  });
}

/**
 * Every problem of a set of tenant definitions (empty when the set is sound):
 *
 * - a name given two different definitions (the same definition twice is one tenant);
 * - a reserved namespace, node label key or taint key (`kubernetes/names.ts` says why);
 * - two tenants with the same namespace (two `Namespace` objects with different `tenant` labels,
 *   two quotas, and in the shared namespace either tenant's clusters may claim the other's bounds
 *   by label), the same node label (key and value: each would be scheduled on the other's
 *   nodes) or the same taint (key and value: each tolerates the other's nodes);
 * - a DNS egress target in a tenant's namespace (a "DNS" rule that lets every pod reach that
 *   tenant's pods), or a KubeRay operator location there (that tenant's pods would be let in to
 *   the dashboards of other tenants' RayJobs and RayServices).
 */
export function tenantSetProblems(defs: readonly TenantDefinition[], dns: readonly DnsUse[] = []): TenantSetProblem[] {
  const out: TenantSetProblem[] = [];
  const first = new Map<string, { def: TenantDefinition; index: number }>();
  const distinct: { def: TenantDefinition; index: number; placement: TenantPlacement }[] = [];
  defs.forEach((def, index) => {
    const seen = first.get(def.name);
    if (seen) {
      if (normalized(seen.def) !== normalized(def)) {
        out.push({
          tenants: [def.name],
          index,
          message: `tenant "${def.name}" is defined twice, differently (${describeDifference(seen.def, def)}): which definition a RayCluster `
            + 'is judged by would depend on the order of construction',
          fix: `define tenant "${def.name}" once and use that definition everywhere`,
        });
      }
      return;
    }
    first.set(def.name, { def, index });
    const placement = tenantPlacement(def);
    distinct.push({ def, index, placement });
    const reserved: [string, string, string | undefined][] = [
      ['namespace', placement.namespace, reservedNamespaceReason(placement.namespace)],
      ['nodeLabelKey', placement.nodeLabelKey, reservedNodeLabelKeyReason(placement.nodeLabelKey)],
      ['taintKey', placement.taintKey, reservedTaintKeyReason(placement.taintKey)],
    ];
    for (const [field, value, reason] of reserved) {
      if (reason !== undefined) {
        out.push({ tenants: [def.name], index, message: `tenant "${def.name}": ${field} ${JSON.stringify(value)} is reserved: ${reason}`, fix: `choose another ${field}` });
      }
    }
  });
  distinct.forEach((b, j) => {
    for (const a of distinct.slice(0, j)) {
      const pair = `tenants "${a.def.name}" and "${b.def.name}"`;
      if (a.placement.namespace === b.placement.namespace) {
        out.push({
          tenants: [a.def.name, b.def.name],
          index: b.index,
          message: `${pair} share the namespace "${b.placement.namespace}": it would get two Namespace objects with different tenant labels and `
            + 'two quotas, and in it a RayCluster of either tenant could claim the other\'s bounds by its label',
          fix: 'give each tenant a namespace of its own',
        });
      }
      if (a.placement.nodeLabelKey === b.placement.nodeLabelKey && a.placement.nodeLabelValue === b.placement.nodeLabelValue) {
        out.push({
          tenants: [a.def.name, b.def.name],
          index: b.index,
          message: `${pair} mark their nodes with the same label ${b.placement.nodeLabelKey}=${b.placement.nodeLabelValue}: each tenant's pods `
            + 'would be scheduled on the other\'s nodes',
          fix: 'give each tenant a node label value of its own',
        });
      }
      if (a.placement.taintKey === b.placement.taintKey && a.placement.taintValue === b.placement.taintValue) {
        out.push({
          tenants: [a.def.name, b.def.name],
          index: b.index,
          message: `${pair} reserve their nodes with the same taint ${b.placement.taintKey}=${b.placement.taintValue}: each tenant's pods `
            + 'would tolerate the other\'s nodes',
          fix: 'give each tenant a taint value of its own',
        });
      }
    }
  });
  for (const use of dns) {
    const owner = distinct.find((t) => t.placement.namespace === use.namespace);
    if (!owner) continue;
    const labels = Object.entries(use.podLabels).map(([k, v]) => `${k}=${v}`).join(',');
    out.push(use.role === 'operator' ? {
      tenants: [owner.def.name],
      index: owner.index,
      message: `${use.where} lets the KubeRay operator in from namespace "${use.namespace}", tenant "${owner.def.name}"'s namespace: that tenant's `
        + `pods labelled ${labels} could reach the dashboards (8265) and Serve ports (8000) of the workloads with the rule`,
      fix: 'set network.operator to the namespace the KubeRay operator is installed in (kuberay-system by default), never a tenant\'s namespace',
    } : {
      tenants: [owner.def.name],
      index: owner.index,
      message: `${use.where} points DNS egress at namespace "${use.namespace}", tenant "${owner.def.name}"'s namespace: every pod with the rule `
        + `could reach that tenant's pods labelled ${labels} on port ${use.port}`,
      fix: 'point dns at the cluster DNS (kube-dns in kube-system by default), never at a tenant\'s namespace',
    });
  }
  return out;
}

/** The first field in which two definitions of one name differ, in words. */
function describeDifference(a: TenantDefinition, b: TenantDefinition): string {
  const pa = tenantPlacement(a);
  const pb = tenantPlacement(b);
  for (const k of Object.keys(pa) as (keyof TenantPlacement)[]) {
    if (pa[k] !== pb[k]) return `${k} ${JSON.stringify(pa[k])} and ${JSON.stringify(pb[k])}`;
  }
  if (a.taintEffect !== b.taintEffect) return `taintEffect ${String(a.taintEffect)} and ${String(b.taintEffect)}`;
  if ((a.allowExposure === true) !== (b.allowExposure === true)) return 'allowExposure';
  return `bounds ${canonical(a.bounds)} and ${canonical(b.bounds)}`;
}
