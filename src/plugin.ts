import { checkManifests, CheckOptions, RULE_IDS } from './policy/engine';
import { PssLevel } from './policy/pod-security';
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
  /** Parses one manifest file into its documents. */
  parseManifest(manifestPath: string): any[];
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
 */
export class SecureRayValidation {
  private readonly options: CheckOptions;

  constructor(props: SecureRayValidationProps = {}) {
    this.options = { pssLevel: props.pssLevel, pssVersion: props.pssVersion, tenants: props.tenants };
  }

  /** Runs the rules over every manifest and reports each violation. */
  public async validate(context: PluginValidationContext): Promise<void> {
    let failed = 0;
    let documents = 0;
    for (const manifestPath of context.manifests) {
      const docs = context.parseManifest(manifestPath).filter((d) => d !== null && d !== undefined);
      const report = checkManifests(docs, this.options);
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
    context.report.submit(failed > 0 ? 'failure' : 'success', { documents: String(documents), failed: String(failed) });
  }
}
