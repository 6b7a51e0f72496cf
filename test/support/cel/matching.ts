/**
 * Request matching for admission policies, after apiserver's `policy/matching` and the webhook
 * predicates (`rules`, `namespace`, `object`), read in source:
 *
 * - a namespaceSelector is skipped (matches) for cluster-scoped requests other than namespaces;
 *   for a Namespace CREATE/UPDATE it is matched against the object's own labels; otherwise against
 *   the labels of the request's namespace, and an unknown namespace is an error (404) that only
 *   counts once the rules match;
 * - an objectSelector matches if the new OR the old object's labels match;
 * - excludeResourceRules win; empty resourceRules match everything (binding matchResources);
 * - rules: operations (`*`), apiGroups/apiVersions (`*`), resources `res`, `res/sub`, `*`, `*\/sub`,
 *   `res/*`, `*\/*` (a bare `pods` does not match `pods/status`), scope (`Namespaced` never matches
 *   the namespaces resource), resourceNames against the request name.
 * - matchPolicy `Equivalent` (the default) would also try equivalent group/versions
 *   (apps/v1beta1 for apps/v1...): not modelled, only the exact request is matched.
 *
 * @module
 */
import { HarnessUnsupportedError, PolicySpecError } from './errors';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface RuleWithOperations {
  readonly apiGroups?: readonly string[];
  readonly apiVersions?: readonly string[];
  readonly operations?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly scope?: string;
}

export interface MatchResources {
  readonly resourceRules?: readonly RuleWithOperations[];
  readonly excludeResourceRules?: readonly RuleWithOperations[];
  readonly namespaceSelector?: LabelSelector;
  readonly objectSelector?: LabelSelector;
  readonly matchPolicy?: string;
}

/** What the matcher needs from a request. */
export interface MatchAttributes {
  readonly operation: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subResource: string;
  readonly namespace: string;
  readonly name: string;
  readonly object: unknown;
  readonly oldObject: unknown;
}

/** Labels of a namespace by name (`undefined`: not found). */
export type NamespaceLabelLookup = (name: string) => Record<string, string> | undefined;

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): void {
  const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
  if (!LABEL_KEY.test(key) || name.length > 63 || (key.includes('/') && key.indexOf('/') > 253)) {
    throw new PolicySpecError(`invalid label key ${JSON.stringify(key)} in selector`);
  }
}

function checkValue(v: string): void {
  if (v.length > 63 || !LABEL_VALUE.test(v)) {
    throw new PolicySpecError(`invalid label value ${JSON.stringify(v)} in selector`);
  }
}

/** Validates a selector like metav1.LabelSelectorAsSelector (a bad one is a spec error). */
export function validateSelector(s: LabelSelector | undefined): void {
  if (s === undefined) return;
  for (const k of Object.keys(s)) {
    if (k !== 'matchLabels' && k !== 'matchExpressions') {
      throw new HarnessUnsupportedError(`label selector field ${k} is not modelled`);
    }
  }
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) {
    checkKey(k);
    checkValue(v);
  }
  for (const r of s.matchExpressions ?? []) {
    checkKey(r.key);
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) throw new PolicySpecError(`selector operator ${r.operator} needs values (key ${r.key})`);
        values.forEach(checkValue);
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) throw new PolicySpecError(`selector operator ${r.operator} takes no values (key ${r.key})`);
        break;
      default:
        throw new PolicySpecError(`${JSON.stringify(r.operator)} is not a valid label selector operator`);
    }
  }
}

/** Whether the selector is empty (matches everything). */
export function selectorIsEmpty(s: LabelSelector | undefined): boolean {
  return s === undefined || (Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0);
}

/** Label selector semantics (NotIn and DoesNotExist match an absent label). */
export function selectorMatches(s: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  validateSelector(s);
  if (s === undefined) return true;
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(labels, k);
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) {
    if (!has(k) || labels[k] !== v) return false;
  }
  for (const r of s.matchExpressions ?? []) {
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In':
        if (!has(r.key) || !values.includes(labels[r.key])) return false;
        break;
      case 'NotIn':
        if (has(r.key) && values.includes(labels[r.key])) return false;
        break;
      case 'Exists':
        if (!has(r.key)) return false;
        break;
      case 'DoesNotExist':
        if (has(r.key)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Labels of an object (metadata.labels), or undefined if it is not an object with metadata. */
export function labelsOf(obj: unknown): Record<string, string> | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const md = (obj as { metadata?: { labels?: Record<string, string> } }).metadata;
  if (typeof md !== 'object' || md === null) return {};
  return md.labels ?? {};
}

const exactOrWildcard = (items: readonly string[] | undefined, requested: string): boolean =>
  (items ?? []).some((i) => i === '*' || i === requested);

function isNamespaceResource(a: MatchAttributes): boolean {
  return a.group === '' && a.version === 'v1' && a.resource === 'namespaces';
}

/** webhook predicates rules.Matcher. */
export function ruleMatches(rule: RuleWithOperations, a: MatchAttributes): boolean {
  const scope = rule.scope ?? '*';
  let scopeOk: boolean;
  switch (scope) {
    case '*': scopeOk = true; break;
    case 'Namespaced': scopeOk = !isNamespaceResource(a) && a.namespace !== ''; break;
    case 'Cluster': scopeOk = isNamespaceResource(a) || a.namespace === ''; break;
    default: throw new PolicySpecError(`invalid rule scope ${JSON.stringify(scope)}`);
  }
  if (!scopeOk) return false;
  if (!exactOrWildcard(rule.operations, a.operation)) return false;
  if (!exactOrWildcard(rule.apiGroups, a.group)) return false;
  if (!exactOrWildcard(rule.apiVersions, a.version)) return false;
  const resourceOk = (rule.resources ?? []).some((r) => {
    const slash = r.indexOf('/');
    const res = slash < 0 ? r : r.slice(0, slash);
    const sub = slash < 0 ? '' : r.slice(slash + 1);
    return (res === '*' || res === a.resource) && (sub === '*' || sub === a.subResource);
  });
  return resourceOk;
}

function anyRuleMatches(rules: readonly RuleWithOperations[], a: MatchAttributes): boolean {
  return rules.some((r) => ruleMatches(r, a) && ((r.resourceNames ?? []).length === 0 || (r.resourceNames ?? []).includes(a.name)));
}

/** Result of matching: an error stands for what apiserver reports as a configuration error. */
export type MatchResult = { matches: boolean; error?: undefined } | { matches: false; error: string };

/** policy/matching Matcher.Matches. */
export function matchesResources(m: MatchResources | undefined, a: MatchAttributes, namespaceLabels: NamespaceLabelLookup): MatchResult {
  const criteria = m ?? {};
  for (const k of Object.keys(criteria)) {
    if (!['resourceRules', 'excludeResourceRules', 'namespaceSelector', 'objectSelector', 'matchPolicy'].includes(k)) {
      throw new HarnessUnsupportedError(`matchResources field ${k} is not modelled`);
    }
  }
  if (criteria.matchPolicy !== undefined && criteria.matchPolicy !== 'Exact' && criteria.matchPolicy !== 'Equivalent') {
    throw new PolicySpecError(`invalid matchPolicy ${JSON.stringify(criteria.matchPolicy)}`);
  }
  // namespaceSelector
  let nsError: string | undefined;
  let nsMatches = true;
  if (!(a.namespace === '' && a.resource !== 'namespaces') && !selectorIsEmpty(criteria.namespaceSelector)) {
    validateSelector(criteria.namespaceSelector);
    let labels: Record<string, string> | undefined;
    if (a.resource === 'namespaces' && a.subResource === '' && (a.operation === 'CREATE' || a.operation === 'UPDATE')) {
      labels = labelsOf(a.object) ?? {};
    } else {
      labels = namespaceLabels(a.namespace);
      if (labels === undefined) {
        nsError = `namespaces "${a.namespace}" not found`;
      }
    }
    nsMatches = labels !== undefined && selectorMatches(criteria.namespaceSelector, labels);
  }
  if (!nsMatches && nsError === undefined) return { matches: false };

  // objectSelector
  if (!selectorIsEmpty(criteria.objectSelector)) {
    validateSelector(criteria.objectSelector);
    const matchOne = (o: unknown): boolean => {
      const l = labelsOf(o);
      return l !== undefined && selectorMatches(criteria.objectSelector, l);
    };
    if (!(matchOne(a.object) || matchOne(a.oldObject))) return { matches: false };
  }

  if (anyRuleMatches(criteria.excludeResourceRules ?? [], a)) return { matches: false };
  const rules = criteria.resourceRules ?? [];
  if (rules.length > 0 && !anyRuleMatches(rules, a)) return { matches: false };
  if (nsError !== undefined) return { matches: false, error: nsError };
  return { matches: true };
}
