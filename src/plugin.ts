import { readManifestFile, tenantDefinitionsProblem } from './cli/read';
import { checkManifests, CheckOptions, RULE_IDS } from './policy/engine';
import { isSupportedPssVersion, PssLevel, SUPPORTED_PSS_VERSIONS } from './policy/pod-security';
import { TenantDefinition } from './policy/tenant-definition';

/** What the plugin uses of cdk8s-cli's `ValidationContext` (kept structural: no runtime import of cdk8s-cli). */
export interface PluginValidationContext {
  /** Paths of the synthesized manifests. */
  readonly manifests: readonly string[];
  /** The report the CLI prints. */
  readonly report: {
    /** Records one violation of a rule. */
    addViolation(violation: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    /** Ends the report with its overall status and optional metadata. */
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
}

/** Properties of {@link SecureRayValidation} (the `properties:` of the `cdk8s.yaml` entry). */
export interface SecureRayValidationProps {
  /**
   * Pod Security Standards level.
   * @default 'restricted'
   */
  readonly pssLevel?: PssLevel;
  /**
   * Pod Security Standards version (`latest` or `v1.N`).
   * @default 'latest'
   */
  readonly pssVersion?: string;
  /**
   * The platform's tenant definitions; bounds then come from here, not from annotations.
   * @default - bounds from each RayCluster's annotations
   */
  readonly tenants?: TenantDefinition[];
}

/**
 * A bad property of {@link SecureRayValidation}: one line naming the property, the value and what
 * is expected. Its `stack` is that line too, so cdk8s-cli (which prints `stack`) shows no trace.
 */
export class SecureRayValidationPropsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecureRayValidationPropsError';
    this.stack = `${this.name}: ${message}`;
  }
}

const PROPS = ['pssLevel', 'pssVersion', 'tenants'];

function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  const json = JSON.stringify(value);
  const s = json === undefined ? String(value) : json;
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

/** The properties, checked; throws {@link SecureRayValidationPropsError} for the first bad one. */
function checkProps(props: unknown): SecureRayValidationProps {
  const fail = (message: string): never => {
    throw new SecureRayValidationPropsError(`SecureRayValidation: ${message} (cdk8s.yaml: validations[].properties)`);
  };
  if (props === undefined || props === null) return {};
  if (typeof props !== 'object' || Array.isArray(props)) return fail(`properties are ${shown(props)}; expected a map of ${PROPS.join(', ')}`);
  const p = props as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (!PROPS.includes(key)) fail(`unknown property ${JSON.stringify(key)}; expected ${PROPS.join(', ')}`);
  }
  if (p.pssLevel !== undefined && p.pssLevel !== 'baseline' && p.pssLevel !== 'restricted') {
    fail(`property "pssLevel" is ${shown(p.pssLevel)}; expected "baseline" or "restricted"`);
  }
  if (p.pssVersion !== undefined && (typeof p.pssVersion !== 'string' || !isSupportedPssVersion(p.pssVersion))) {
    fail(`property "pssVersion" is ${shown(p.pssVersion)}; expected ${SUPPORTED_PSS_VERSIONS}`);
  }
  if (p.tenants !== undefined) {
    if (!Array.isArray(p.tenants)) fail(`property "tenants" is ${shown(p.tenants)}; expected a list of tenant definitions ([{name: ..., bounds: {...}}, ...])`);
    const problem = tenantDefinitionsProblem(p.tenants as unknown[]);
    if (problem) fail(`property "tenants": ${problem.message}`);
  }
  return p as SecureRayValidationProps;
}

/**
 * A cdk8s validation plugin that runs the policy engine over every manifest an app synthesizes,
 * including objects not made by `SecureTenantRayCluster`:
 *
 * ```yaml
 * # cdk8s.yaml
 * validations:
 *   - package: ./node_modules/cdk8s-secure-ray
 *     class: SecureRayValidation
 *     version: 0.0.0          # any exact version; local packages are not installed
 *     properties:
 *       pssLevel: restricted
 * ```
 *
 * Each manifest file is read by the same reader as `secure-ray check`, which reads YAML exactly as
 * kubectl does (lists such as a `kind: List` from an `Include` are judged item by item, YAML 1.1
 * merge keys and booleans apply), rather than by cdk8s-cli's `parseManifest` (plain YAML 1.2):
 * so the plugin's verdict is the CLI's verdict, about the objects kubectl would apply. Input
 * the reader refuses is reported as a `secure-ray/input` violation.
 *
 * @throws SecureRayValidationPropsError for a bad property (one line: property, value, expected)
 */
export class SecureRayValidation {
  private readonly options: CheckOptions;

  constructor(props: SecureRayValidationProps = {}) {
    const p = checkProps(props);
    this.options = { pssLevel: p.pssLevel, pssVersion: p.pssVersion, tenants: p.tenants };
  }

  /** Runs the rules over every manifest and reports each violation. */
  public async validate(context: PluginValidationContext): Promise<void> {
    let failed = 0;
    let documents = 0;
    let inputErrors = 0;
    for (const manifestPath of context.manifests) {
      const parsed = readManifestFile(manifestPath);
      for (const e of parsed.errors) {
        inputErrors++;
        context.report.addViolation({
          ruleName: 'secure-ray/input',
          recommendation: `${manifestPath}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`,
          fix: 'correct the manifest (secure-ray check reports the same error)',
          violatingResources: [{ resourceName: '', locations: e.line !== undefined ? [`line ${e.line}`] : [], manifestPath }],
        });
      }
      const report = checkManifests(parsed.docs, this.options, parsed.sources);
      documents += report.summary.documents;
      failed += report.summary.failed;
      for (const doc of report.documents) {
        for (const rule of RULE_IDS) {
          for (const v of doc.rules[rule].violations) {
            context.report.addViolation({
              ruleName: v.check ? `${rule}/${v.check}` : rule,
              recommendation: `${v.message}${v.context ? ` [${v.context}]` : ''}${v.bound ? ` (bound: ${v.bound})` : ''}`,
              fix: v.fix ?? '',
              violatingResources: [{ resourceName: doc.name, locations: [v.path], manifestPath }],
            });
          }
        }
      }
    }
    context.report.submit(failed > 0 || inputErrors > 0 ? 'failure' : 'success', {
      documents: String(documents),
      failed: String(failed),
      ...(inputErrors > 0 ? { inputErrors: String(inputErrors) } : {}),
    });
  }
}
