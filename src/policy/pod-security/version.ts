/**
 * Policy versions: `latest` or `v1.0` ... `v1.37`, as in the namespace label
 * `pod-security.kubernetes.io/enforce-version`.
 *
 * @module
 */

/** The newest policy version this evaluator implements; `latest` means this. */
export const LATEST_PSS_VERSION = 'v1.37';

/** The minor of {@link LATEST_PSS_VERSION}. */
export const LATEST_PSS_MINOR = 37;

/** Thrown for a level or version the evaluator does not implement. */
export class PssOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PssOptionError';
  }
}

/**
 * Parses a policy version. `latest` is `v1.37`. Returns `undefined` for anything
 * else than `latest` or `v1.<minor>` with a minor from 0 to 37 (written without
 * leading zeros, as upstream's parser requires).
 */
export function parsePssVersion(v: string): { major: 1; minor: number } | undefined {
  if (v === 'latest') {
    return { major: 1, minor: LATEST_PSS_MINOR };
  }
  const m = typeof v === 'string' ? /^v1\.(0|[1-9][0-9]{0,2})$/.exec(v) : null;
  if (m === null) {
    return undefined;
  }
  const minor = Number(m[1]);
  return minor <= LATEST_PSS_MINOR ? { major: 1, minor } : undefined;
}

/** The minor version of a policy version, or a {@link PssOptionError} naming the supported range. */
export function resolvePssMinor(v: string): number {
  const parsed = parsePssVersion(v);
  if (parsed === undefined) {
    throw new PssOptionError(
      `unsupported Pod Security Standards version ${JSON.stringify(v)}: expected "latest" or v1.0 to ${LATEST_PSS_VERSION}`,
    );
  }
  return parsed.minor;
}
