import { PssLevel } from './pod-security';
import { documentKind, RULES, ruleContext } from './rules';
import { TenantDefinition } from './tenant-definition';
import { RuleId, Violation } from './types';
import { asObject, asString } from '../kubernetes/json';

/** The rules, in report order. */
export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

/** A rule's verdict on one document. */
export type RuleStatus = 'pass' | 'fail' | 'skip';

/** One rule's result on one document. */
export interface RuleResult {
  /** `skip` when the rule does not apply to the document's kind. */
  readonly status: RuleStatus;
  /** Every violation (empty unless `fail`). */
  readonly violations: Violation[];
}

/** The verdicts on one document. */
export interface DocumentResult {
  /** The file (or `-` for stdin) the document came from, when known. */
  readonly source?: string;
  /** The 0-based position of the document in its file, when known. */
  readonly index?: number;
  /** The document's kind, or `''` when it has none. */
  readonly kind: string;
  /** `metadata.name`, or `''`. */
  readonly name: string;
  /** `metadata.namespace`, or `''`. */
  readonly namespace: string;
  /** Each rule's result. */
  readonly rules: Record<RuleId, RuleResult>;
  /**
   * Findings that do not fail the document: Ray token authentication off, what KubeRay would refuse
   * (it then creates nothing), facts a reader should know. Empty for most documents.
   */
  readonly warnings: readonly Warning[];
}

/** A finding that does not fail the document. */
export interface Warning {
  /** The field it is about. */
  readonly path: string;
  /** What it means. */
  readonly message: string;
  /** What to do. */
  readonly fix?: string;
}

/** Options of the policy engine. */
export interface CheckOptions {
  /**
   * The Pod Security Standards level.
   * @default 'restricted'
   */
  readonly pssLevel?: PssLevel;
  /**
   * The Pod Security Standards policy version: `latest` or `v1.N`.
   * @default 'latest' (v1.37)
   */
  readonly pssVersion?: string;
  /**
   * The platform's tenant definitions. When given, bounds and node labels come from here instead
   * of the RayCluster's self-written annotations, and undefined tenants fail.
   * @default - bounds from each RayCluster's annotations
   */
  readonly tenants?: readonly TenantDefinition[] | ReadonlyMap<string, TenantDefinition>;
  /**
   * Whether the KubeRay operator injects its init containers (`ENABLE_INIT_CONTAINER_INJECTION`).
   * @default true
   */
  readonly initContainerInjection?: boolean;
}

const PASS: RuleResult = Object.freeze({ status: 'pass', violations: [] }) as RuleResult;
const SKIP: RuleResult = Object.freeze({ status: 'skip', violations: [] }) as RuleResult;

function result(violations: Violation[]): RuleResult {
  return violations.length === 0 ? PASS : { status: 'fail', violations };
}

function tenantMap(tenants: CheckOptions['tenants']): ReadonlyMap<string, TenantDefinition> | undefined {
  if (tenants === undefined) return undefined;
  if (tenants instanceof Map) return tenants;
  return new Map((tenants as readonly TenantDefinition[]).map((t) => [t.name, t]));
}

/**
 * Judges one manifest with every rule of the registry (`rules.ts`) that applies to its kind:
 * RayClusters get all three rules; Pods get `pod-security`, and `enforce-tenant-isolation` when
 * `tenants` are given and the Pod's namespace is a tenant's (else it is `skip`ped, as
 * `generate-network-policies` is); other kinds skip every rule. Never throws on malformed
 * documents.
 */
export function checkDocument(doc: unknown, options: CheckOptions = {}, where: { source?: string; index?: number } = {}): DocumentResult {
  return checkWith(doc, options, tenantMap(options.tenants), where);
}

function checkWith(doc: unknown, options: CheckOptions, tenants: ReadonlyMap<string, TenantDefinition> | undefined,
  where: { source?: string; index?: number }): DocumentResult {
  const d = asObject(doc) ?? {};
  const metadata = asObject(d.metadata);
  const kind = documentKind(d);
  const ctx = kind === undefined ? undefined : ruleContext(d, kind, {
    pssLevel: options.pssLevel, pssVersion: options.pssVersion, initContainerInjection: options.initContainerInjection, tenants,
  });
  const rules = {} as Record<RuleId, RuleResult>;
  for (const rule of RULES) {
    rules[rule.id] = ctx && rule.kinds.includes(ctx.kind) && (rule.applies?.(ctx) ?? true) ? result(rule.check(ctx)) : SKIP;
  }
  const warnings: Warning[] = [];
  if (ctx && ctx.kind !== 'Pod') {
    const w = ctx.workload();
    warnings.push(...w.advisories.map((a) => ({ path: a.path, message: a.message, ...(a.fix ? { fix: a.fix } : {}) })));
    warnings.push(...w.refusals.map((r) => ({
      path: r.path,
      message: `KubeRay would refuse this ${ctx.kind} (${r.check}${r.gate ? `, gate ${r.gate}` : ''}) and create nothing from it: ${r.message}`,
    })));
  }
  return {
    ...(where.source !== undefined ? { source: where.source } : {}),
    ...(where.index !== undefined ? { index: where.index } : {}),
    kind: asString(d.kind) ?? '',
    name: asString(metadata?.name) ?? '',
    namespace: asString(metadata?.namespace) ?? '',
    rules,
    warnings,
  };
}

/** The engine's report over many documents. */
export interface CheckReport {
  /** One result per document, in input order. */
  readonly documents: DocumentResult[];
  /** Counts. */
  readonly summary: {
    /** The number of documents checked. */
    readonly documents: number;
    /** The number of documents with at least one failed rule. */
    readonly failed: number;
  };
}

/** True when any rule failed for the document. */
export function documentFailed(d: DocumentResult): boolean {
  return RULE_IDS.some((r) => d.rules[r].status === 'fail');
}

/**
 * The project's one policy engine: judges manifests (plain objects, as parsed from YAML or from a
 * cdk8s `toJson()`), with the rules `enforce-tenant-isolation`, `generate-network-policies` and
 * `pod-security`. Used by the construct's validation, the `secure-ray check` CLI and the cdk8s
 * validation plugin.
 */
export function checkManifests(docs: readonly unknown[], options: CheckOptions = {},
  sources?: readonly { source?: string; index?: number }[]): CheckReport {
  const tenants = tenantMap(options.tenants);
  const documents = docs.map((doc, i) => checkWith(doc, options, tenants, sources?.[i] ?? {}));
  return { documents, summary: { documents: documents.length, failed: documents.filter(documentFailed).length } };
}
