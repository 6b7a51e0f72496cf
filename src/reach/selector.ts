/**
 * Label selectors (`metav1.LabelSelector`) as NetworkPolicies use them: matching, compiling once
 * for many pods, and the API server's validation.
 *
 * @module
 */
import { isObject } from '../kubernetes/json';
import { isLabelKey, isLabelValue } from '../kubernetes/names';

type Labels = Readonly<Record<string, string>>;

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function has(labels: Labels, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, k);
}

/**
 * True when the labels match a LabelSelector (`matchLabels` AND every `matchExpressions` entry).
 * An empty selector matches everything; an unknown operator matches nothing.
 */
export function matchesSelector(selector: unknown, labels: Labels): boolean {
  if (!isObject(selector)) return false;
  if (isObject(selector.matchLabels)) {
    for (const [k, v] of Object.entries(selector.matchLabels)) {
      if (!has(labels, k) || labels[k] !== String(v)) return false;
    }
  }
  if (Array.isArray(selector.matchExpressions)) {
    for (const e of selector.matchExpressions) {
      if (!isObject(e) || typeof e.key !== 'string') return false;
      const values = strings(e.values);
      const present = has(labels, e.key);
      switch (e.operator) {
        case 'In': if (!present || !values.includes(labels[e.key])) return false; break;
        case 'NotIn': if (present && values.includes(labels[e.key])) return false; break;
        case 'Exists': if (!present) return false; break;
        case 'DoesNotExist': if (present) return false; break;
        default: return false;
      }
    }
  }
  return true;
}

/** A selector prepared for matching many label sets. */
export interface CompiledSelector {
  /** A canonical text of the selector: equal selectors have equal keys. */
  readonly key: string;
  /** The label keys the selector reads. */
  readonly labelKeys: readonly string[];
  /** True when the labels match. */
  readonly matches: (labels: Labels) => boolean;
}

/** Compiles a selector that {@link validateSelector} accepted (anything else matches as {@link matchesSelector} does). */
export function compileSelector(selector: unknown): CompiledSelector {
  const sel = isObject(selector) ? selector : {};
  const pairs = isObject(sel.matchLabels)
    ? Object.entries(sel.matchLabels).map(([k, v]) => [k, String(v)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    : [];
  const exprs = (Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []).map((e) => {
    const o = isObject(e) ? e : {};
    return { key: typeof o.key === 'string' ? o.key : '', operator: String(o.operator), values: [...new Set(strings(o.values))].sort() };
  }).sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
  const key = JSON.stringify([pairs, exprs]);
  const labelKeys = [...new Set([...pairs.map(([k]) => k), ...exprs.map((e) => e.key)])];
  const matches = (labels: Labels): boolean => {
    for (const [k, v] of pairs) if (!has(labels, k) || labels[k] !== v) return false;
    for (const e of exprs) {
      const present = has(labels, e.key);
      switch (e.operator) {
        case 'In': if (!present || !e.values.includes(labels[e.key])) return false; break;
        case 'NotIn': if (present && e.values.includes(labels[e.key])) return false; break;
        case 'Exists': if (!present) return false; break;
        case 'DoesNotExist': if (present) return false; break;
        default: return false;
      }
    }
    return true;
  };
  return { key, labelKeys, matches };
}

/**
 * The API server's objections to a LabelSelector (`ValidateLabelSelector`, with invalid label
 * values refused as on create), each as `path: message`. Empty when valid; `null` is an empty
 * selector.
 */
export function validateSelector(selector: unknown, path: string): string[] {
  if (selector === null || selector === undefined) return [];
  if (!isObject(selector)) return [`${path}: must be an object`];
  const out: string[] = [];
  const { matchLabels, matchExpressions } = selector;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isObject(matchLabels)) {
      out.push(`${path}.matchLabels: must be a map of strings`);
    } else {
      for (const [k, v] of Object.entries(matchLabels)) {
        if (!isLabelKey(k)) out.push(`${path}.matchLabels: ${JSON.stringify(k)} is not a valid label key`);
        if (typeof v !== 'string') out.push(`${path}.matchLabels.${k}: must be a string, not ${JSON.stringify(v)}`);
        else if (!isLabelValue(v)) out.push(`${path}.matchLabels.${k}: ${JSON.stringify(v)} is not a valid label value`);
      }
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) return [...out, `${path}.matchExpressions: must be a list`];
    matchExpressions.forEach((e, i) => {
      const at = `${path}.matchExpressions[${i}]`;
      if (!isObject(e)) {
        out.push(`${at}: must be an object`);
        return;
      }
      if (!isLabelKey(e.key)) out.push(`${at}.key: ${JSON.stringify(e.key)} is not a valid label key`);
      const values = e.values === undefined || e.values === null ? [] : e.values;
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
        out.push(`${at}.values: must be a list of strings`);
        return;
      }
      switch (e.operator) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) out.push(`${at}.values: must be specified when \`operator\` is 'In' or 'NotIn'`);
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length > 0) out.push(`${at}.values: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`);
          break;
        default:
          out.push(`${at}.operator: ${JSON.stringify(e.operator)} is not a valid selector operator (In, NotIn, Exists, DoesNotExist)`);
      }
      for (const v of values) if (typeof v === 'string' && !isLabelValue(v)) out.push(`${at}.values: ${JSON.stringify(v)} is not a valid label value`);
    });
  }
  return out;
}
