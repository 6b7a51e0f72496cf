import { describe, enumValue, listAt, PropsError } from '../validation';

/** A Kyverno CLI verdict. */
export type KyvernoResult = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

/** Which kind of Kyverno policy a CLI test checks: it decides what `results` are keyed by. */
export enum KyvernoPolicyType {
  /**
   * Kyverno `policies.kyverno.io/v1` ValidatingPolicies (Kyverno 1.17+; what
   * `TenantAdmission` renders with `AdmissionEngine.KYVERNO_VALIDATING_POLICY`): one verdict per
   * policy and resource. Results name the policy, carry `isValidatingPolicy: true` and no `rule`.
   * The default.
   */
  VALIDATING_POLICY = 'ValidatingPolicy',
  /**
   * The legacy `kyverno.io/v1` ClusterPolicy (`TenantAdmissionPolicy`): one verdict per rule;
   * results name the policy (`policyName`) and the rule.
   */
  CLUSTER_POLICY = 'ClusterPolicy',
}

/** The expected verdicts of one resource. */
export interface KyvernoTestCase {
  /** The resource as the CLI names it: `namespace/name` (or `name`). */
  readonly resource: string;
  /**
   * The resource's kind.
   * @default 'RayCluster'
   */
  readonly kind?: string;
  /**
   * The expected verdicts, keyed by rule name (ClusterPolicy) or by policy name
   * (ValidatingPolicy). Rules or policies that do not match the resource (e.g. another tenant's)
   * must be left out: the CLI reports no result for them. A ValidatingPolicy that matches but
   * whose `matchConditions` do not hold reports `skip`.
   */
  readonly results: Readonly<Record<string, KyvernoResult>>;
}

/** Options of {@link kyvernoTestFile}. */
export interface KyvernoTestFileOptions {
  /** `metadata.name` of the Test. */
  readonly name: string;
  /**
   * The kind of policy the test checks.
   * @default KyvernoPolicyType.VALIDATING_POLICY
   */
  readonly policyType?: KyvernoPolicyType;
  /**
   * The ClusterPolicy's name (`results[].policy`); required with `KyvernoPolicyType.CLUSTER_POLICY`
   * and refused otherwise (ValidatingPolicy results are keyed by the policies' own names).
   * @default - none
   */
  readonly policyName?: string;
  /** Policy files, relative to the test file. */
  readonly policyFiles: readonly string[];
  /** Resource files, relative to the test file. */
  readonly resourceFiles: readonly string[];
  /**
   * A `cli.kyverno.io/v1alpha1` `UserInfo` file, relative to the test file: who sends every
   * request of the test (`request.userInfo` in CEL policies, `request.userInfo` and roles in a
   * ClusterPolicy). One identity per test file.
   * @default - none: requests with an empty username
   */
  readonly userInfoFile?: string;
  /** The expected verdicts. */
  readonly cases: readonly KyvernoTestCase[];
}

const RESULTS: readonly string[] = ['pass', 'fail', 'warn', 'error', 'skip'];

function filePath(prop: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new PropsError(`${prop}: expected a file path, got ${describe(value)}`);
  return value;
}

/**
 * The content of a `kyverno-test.yaml` (`cli.kyverno.io/v1alpha1` `Test`) for `kyverno test <dir>`:
 * the policy and resource files (and the `userinfo` file), and one `results` entry per policy or
 * rule, kind and verdict listing the resources expected to get it (sorted, so the file is stable).
 * For ValidatingPolicies (the default) an entry reads `{ policy, isValidatingPolicy: true, kind,
 * resources, result }`; for the legacy ClusterPolicy `{ policy, rule, kind, resources, result }`.
 * Throws a {@link PropsError} on bad options or a resource listed twice for one policy or rule.
 */
export function kyvernoTestFile(options: KyvernoTestFileOptions): any {
  const type = enumValue('kyvernoTestFile.policyType', options.policyType, KyvernoPolicyType) ?? KyvernoPolicyType.VALIDATING_POLICY;
  const cluster = type === KyvernoPolicyType.CLUSTER_POLICY;
  if (cluster && (typeof options.policyName !== 'string' || options.policyName === '')) {
    throw new PropsError(`kyvernoTestFile.policyName: the ClusterPolicy's name is required with KyvernoPolicyType.CLUSTER_POLICY, got ${describe(options.policyName)}`);
  }
  if (!cluster && options.policyName !== undefined) {
    throw new PropsError('kyvernoTestFile.policyName: only used with KyvernoPolicyType.CLUSTER_POLICY; '
      + 'a ValidatingPolicy test keys each case\'s results by the policies\' names');
  }
  const userInfo = options.userInfoFile === undefined ? undefined : filePath('kyvernoTestFile.userInfoFile', options.userInfoFile);
  const groups = new Map<string, { key: string; kind: string; result: KyvernoResult; resources: string[] }>();
  const seen = new Set<string>();
  listAt('kyvernoTestFile.cases', options.cases).forEach((c, i) => {
    const kind = c.kind ?? 'RayCluster';
    for (const [key, result] of Object.entries(c.results)) {
      if (!RESULTS.includes(result)) throw new PropsError(`kyvernoTestFile.cases[${i}].results.${key}: ${JSON.stringify(result)} is not one of ${RESULTS.join(', ')}`);
      // The CLI finds a resource by its name alone: one verdict per rule or policy and name.
      if (seen.has(`${key}\0${c.resource}`)) throw new PropsError(`kyvernoTestFile: ${c.resource} is listed twice for ${key}`);
      seen.add(`${key}\0${c.resource}`);
      const id = `${key}\0${kind}\0${result}`;
      const g = groups.get(id) ?? { key, kind, result, resources: [] };
      g.resources.push(c.resource);
      groups.set(id, g);
    }
  });
  const results = cluster
    // (the legacy order, kept so that existing test files stay byte-identical)
    ? [...groups.values()]
      .sort((a, b) => (a.key + a.kind + a.result < b.key + b.kind + b.result ? -1 : 1))
      .map((g) => ({ policy: options.policyName, rule: g.key, kind: g.kind, resources: [...g.resources].sort(), result: g.result }))
    : [...groups.values()]
      .sort((a, b) => compare(a.key, b.key) || compare(a.kind, b.kind) || compare(a.result, b.result))
      .map((g) => ({ policy: g.key, isValidatingPolicy: true, kind: g.kind, resources: [...g.resources].sort(), result: g.result }));
  return {
    apiVersion: 'cli.kyverno.io/v1alpha1',
    kind: 'Test',
    metadata: { name: options.name },
    policies: [...options.policyFiles],
    resources: [...options.resourceFiles],
    ...(userInfo === undefined ? {} : { userinfo: userInfo }),
    results,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
