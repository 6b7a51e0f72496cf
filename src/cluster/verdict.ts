/**
 * The synth-time verdict of a workload construct (RayCluster, RayJob, RayService): what it
 * rendered, after every escape-hatch patch, judged by the engine's rules against the tenant's
 * definition and the restricted standard, its NetworkPolicies held to the generator, plus the
 * kind's own checks. Kept for the renders it judged: cdk8s validates once per synthesis and
 * again for every chart.
 *
 * @module
 */
import { JsonObject } from '../kubernetes/json';
import { RayClusterNetworkPolicy } from '../network/cluster-network-policy';
import { checkDocument, RULE_IDS } from '../policy/engine';
import { formatViolation } from '../policy/format';
import { checkGeneratedNetworkPolicy } from '../policy/network-policy-rule';
import { Violation } from '../policy/types';
import { TenantProfile } from '../tenant';

/** What a workload construct hands the verdict. */
export interface JudgedWorkload {
  /** The tenant. */
  readonly tenant: TenantProfile;
  /** Its NetworkPolicies (none for a RayJob that runs on an existing cluster's policies only… it still has its submitter's). */
  readonly networkPolicy: RayClusterNetworkPolicy | undefined;
  /** The kept render of its resource (after patches). */
  render(): JsonObject;
  /** The kind's own checks of the render (the name, the selector labels, pinned ports). */
  checks(json: JsonObject): Violation[];
}

/** The verdict of one workload construct, computed once per set of renders. */
export class WorkloadVerdict {
  private last?: { readonly renders: readonly unknown[]; readonly errors: string[] };

  constructor(private readonly workload: JudgedWorkload) {}

  /** Every violation of what was rendered, one line each (empty when it may be synthesized). */
  public errors(): string[] {
    const json = this.workload.render();
    const policies = this.workload.networkPolicy?.renderedPolicies() ?? [];
    const renders = [json, ...policies];
    if (this.last && this.last.renders.length === renders.length && this.last.renders.every((r, i) => r === renders[i])) return this.last.errors;
    const errors = this.judge(json, policies).map(formatViolation);
    this.last = { renders, errors };
    return errors;
  }

  private judge(json: JsonObject, policies: JsonObject[]): Violation[] {
    const result = checkDocument(json, { tenants: [this.workload.tenant.toDefinition()], pssLevel: 'restricted', pssVersion: 'latest' });
    const violations: Violation[] = RULE_IDS.flatMap((r) => result.rules[r].violations);
    violations.push(...this.workload.checks(json));
    const expected = this.workload.networkPolicy?.expectedPolicies() ?? [];
    expected.forEach((e, i) => violations.push(...checkGeneratedNetworkPolicy(policies[i] ?? {}, e)));
    return violations;
  }
}
