/**
 * Plain-JSON types shared by the policy engine. Nothing in `src/policy/` imports cdk8s or
 * constructs: every rule is a pure function over manifests as plain objects.
 */
import type { JsonValue } from '../kubernetes/json';

export type { JsonObject, JsonValue } from '../kubernetes/json';

/** The rule ids. They are part of the CLI and library contract. */
export type RuleId = 'enforce-tenant-isolation' | 'generate-network-policies' | 'pod-security';

/** One violation of one rule, at one field of the document being judged. */
export interface Violation {
  /** The rule that was broken. */
  readonly rule: RuleId;
  /**
   * The field path in the judged document, dotted with `[i]` indexes, e.g.
   * `spec.workerGroupSpecs[1].template.spec.containers[0].resources.limits.cpu`.
   */
  readonly path: string;
  /** A one-line statement of what is wrong (for pod-security: the admission controller's wording). */
  readonly message: string;
  /** The offending value as found (absent when the field is missing). */
  readonly value?: JsonValue;
  /** The bound or expected value, in words (e.g. `<= 4 (tenant team-a maxCpu)`). */
  readonly bound?: string;
  /** How to fix it. */
  readonly fix?: string;
  /** Where in what will run the violation was found, e.g. `worker pod of group "gpu"`. */
  readonly context?: string;
  /** A finer-grained check id inside the rule (e.g. the PSS check `allowPrivilegeEscalation`). */
  readonly check?: string;
}
