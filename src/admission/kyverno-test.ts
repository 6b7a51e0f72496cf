/** A Kyverno CLI verdict. */
export type KyvernoResult = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

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
   * The expected result of each rule that matches the resource. Rules that do not match it (e.g.
   * another tenant's rules) must be left out: the CLI reports no result for them.
   */
  readonly results: Readonly<Record<string, KyvernoResult>>;
}

/** Options of {@link kyvernoTestFile}. */
export interface KyvernoTestFileOptions {
  /** `metadata.name` of the Test. */
  readonly name: string;
  /** The ClusterPolicy's name (`results[].policy`). */
  readonly policyName: string;
  /** Policy files, relative to the test file. */
  readonly policyFiles: readonly string[];
  /** Resource files, relative to the test file. */
  readonly resourceFiles: readonly string[];
  /** The expected verdicts. */
  readonly cases: readonly KyvernoTestCase[];
}

/**
 * The content of a `kyverno-test.yaml` (`cli.kyverno.io/v1alpha1` `Test`) for `kyverno test <dir>`:
 * the policy and resource files, and one `results` entry per rule, kind and verdict listing the
 * resources expected to get it (sorted, so the file is stable).
 */
export function kyvernoTestFile(options: KyvernoTestFileOptions): any {
  const groups = new Map<string, { rule: string; kind: string; result: KyvernoResult; resources: string[] }>();
  for (const c of options.cases) {
    const kind = c.kind ?? 'RayCluster';
    for (const [rule, result] of Object.entries(c.results)) {
      const key = `${rule}\0${kind}\0${result}`;
      const g = groups.get(key) ?? { rule, kind, result, resources: [] };
      if (g.resources.includes(c.resource)) throw new Error(`kyvernoTestFile: ${c.resource} is listed twice`);
      g.resources.push(c.resource);
      groups.set(key, g);
    }
  }
  const results = [...groups.values()]
    .sort((a, b) => (a.rule + a.kind + a.result < b.rule + b.kind + b.result ? -1 : 1))
    .map((g) => ({ policy: options.policyName, rule: g.rule, kind: g.kind, resources: [...g.resources].sort(), result: g.result }));
  return {
    apiVersion: 'cli.kyverno.io/v1alpha1',
    kind: 'Test',
    metadata: { name: options.name },
    policies: [...options.policyFiles],
    resources: [...options.resourceFiles],
    results,
  };
}
