/**
 * The app-level check of the tenants an app uses: every TenantNamespace, SecureTenantRayCluster
 * and TenantAdmissionPolicy declares its tenants (and the DNS target it renders) here, and one
 * validation on the app's root judges them together with the pure rules of
 * `policy/tenant-set.ts` — no two tenants share a namespace, node label or taint, one name is one
 * definition, and no DNS rule points into a tenant's namespace.
 *
 * Symbols from `Symbol.for`, not module state: an app that resolves two copies of the library
 * still gets one check over the constructs of both.
 *
 * @module
 */
import { IConstruct } from 'constructs';
import { DnsTarget } from './policy/network-policies';
import { TenantDefinition } from './policy/tenant-definition';
import { DnsUse, tenantSetProblems } from './policy/tenant-set';
import { TenantProfile } from './tenant';

const USE = Symbol.for('cdk8s-secure-ray.tenantUse');
const CHECKED = Symbol.for('cdk8s-secure-ray.appTenantCheck');

/** What one construct uses. */
export interface TenantUse {
  /** The tenants (one for a namespace or a cluster; all of them for the admission policy). */
  readonly tenants: readonly TenantProfile[];
  /** The DNS target of the DNS egress rule it renders, if any. */
  readonly dns?: DnsTarget;
  /** The prop that sets the DNS target, for the message (e.g. `network.dns`). */
  readonly dnsProp?: string;
}

/** Records what a construct uses, and adds the app-level check to the app's root once. */
export function declareTenantUse(construct: IConstruct, use: TenantUse): void {
  Object.defineProperty(construct, USE, { value: use });
  const root = construct.node.root;
  if (CHECKED in root) return;
  Object.defineProperty(root, CHECKED, { value: true });
  root.node.addValidation({ validate: () => checkAppTenants(root) });
}

/** The problems of the tenants every construct of the app uses, one line each. */
export function checkAppTenants(root: IConstruct): string[] {
  const defs: TenantDefinition[] = [];
  const origins: string[] = [];
  const dns: DnsUse[] = [];
  for (const c of root.node.findAll()) {
    const use = (c as unknown as Record<symbol, TenantUse | undefined>)[USE];
    if (!use) continue;
    for (const t of use.tenants) {
      defs.push(t.toDefinition());
      origins.push(c.node.path);
    }
    if (use.dns) dns.push({ ...use.dns, where: `${c.node.path} (${use.dnsProp ?? 'dns'})` });
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
