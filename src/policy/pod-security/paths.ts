/**
 * Field paths in the document the user wrote, in the dotted form used across the
 * policy engine (`spec.containers[0].securityContext.privileged`).
 *
 * @module
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** One path segment: `.key`, `["odd/key"]` for keys that are not plain identifiers, or `[n]`. */
function segment(s: string | number): string {
  if (typeof s === 'number') {
    return `[${s}]`;
  }
  return IDENTIFIER.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
}

/**
 * Appends segments to a base path. A base may carry a trailing note after the first
 * whitespace (`spec.autoscalerOptions (injected autoscaler container)`); the segments
 * go before the note so the path part stays a path.
 */
export function childPath(base: string, ...segments: Array<string | number>): string {
  const ws = base.search(/\s/);
  const path = ws < 0 ? base : base.slice(0, ws);
  const note = ws < 0 ? '' : base.slice(ws);
  let out = path + segments.map(segment).join('');
  if (path === '' && out.startsWith('.')) {
    out = out.slice(1);
  }
  return out + note;
}
