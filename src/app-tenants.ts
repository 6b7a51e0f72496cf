/**
 * The app-level check of the tenants an app uses: every TenantNamespace, SecureTenantRayCluster
 * and TenantAdmissionPolicy declares its tenants (and the DNS target it renders) here, and one
 * validation on the app's root judges them together with the pure rules of
 * `policy/tenant-set.ts` — no two tenants share a namespace, node label or taint, one name is one
 * definition, and no DNS rule points into a tenant's namespace.
 *
 * The registry lives on the app's root under a `Symbol.for` key, not in module state: an app that
 * resolves two copies of the library still gets one check over the constructs of both.
 *
 * @module
 */
import { IConstruct } from 'constructs';
import { DnsTarget } from './policy/network-policies';
import { TenantDefinition } from './policy/tenant-definition';
import { DnsUse, tenantSetProblems } from './policy/tenant-set';
import { TenantProfile } from './tenant';

const REGISTRY = Symbol.for('cdk8s-secure-ray.tenantUses');

/** What one construct uses. */
export interface TenantUse {
  /** The tenants (one for a namespace or a cluster; all of them for the admission policy). */
  readonly tenants: readonly TenantProfile[];
  /** The DNS target of the DNS egress rule it renders, if any. */
  readonly dns?: DnsTarget;
  /** The prop that sets the DNS target, for the message (e.g. `network.dns`). */
  readonly dnsProp?: string;
  /** Where the KubeRay operator its policies let in runs (a RayJob's or RayService's `network.operator`), if any. */
  readonly operator?: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}


/**
 * An app-level list of entries kept on the app's root under `key` (a `Symbol.for` key, so two copies
 * of the library share it), checked by one validation on the root that `check` adds the first time.
 * Constructs are never removed from a cdk8s app in practice, so entries only grow: the verdict is
 * kept until another entry is added.
 */
export function addToAppList<T>(construct: IConstruct, key: symbol, entry: T, check: (entries: readonly T[]) => string[]): void {
  const root = construct.node.root as unknown as Record<symbol, AppList<T> | undefined> & IConstruct;
  let list = root[key];
  if (!list) {
    const created: AppList<T> = { entries: [] };
    Object.defineProperty(root, key, { value: created });
    root.node.addValidation({
      validate: () => {
        if (created.verdict?.count !== created.entries.length) created.verdict = { count: created.entries.length, errors: check(created.entries) };
        return created.verdict.errors;
      },
    });
    list = created;
  }
  list.entries.push(entry);
}

interface AppList<T> {
  readonly entries: T[];
  verdict?: { readonly count: number; readonly errors: string[] };
}

/** Records what a construct uses, on the app's root (see {@link addToAppList}). */
export function declareTenantUse(construct: IConstruct, use: TenantUse): void {
  addToAppList(construct, REGISTRY, { path: construct.node.path, use }, checkTenantUses);
}


/** The problems of the tenants the given constructs use, one line each. */
export function checkTenantUses(uses: readonly { readonly path: string; readonly use: TenantUse }[]): string[] {
  const defs: TenantDefinition[] = [];
  const origins: string[] = [];
  const dns: DnsUse[] = [];
  for (const { path, use } of uses) {
    for (const t of use.tenants) {
      defs.push(t.toDefinition());
      origins.push(path);
    }
    if (use.dns) dns.push({ ...use.dns, where: `${path} (${use.dnsProp ?? 'dns'})` });
    if (use.operator) dns.push({ ...use.operator, role: 'operator', where: `${path} (network.operator)` });
  }
  if (defs.length === 0) return [];
  return tenantSetProblems(defs, dns).map((p) => {
    const where = p.tenants.map((name) => {
      const paths = [...new Set(defs.flatMap((d, i) => (d.name === name ? [origins[i]] : [])))];
      return `"${name}" at ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}`;
    });
    return `tenants: ${p.message} (${where.join('; ')}). Fix: ${p.fix}.`;
  });
}
