/**
 * The three ways an evaluation can go wrong, kept apart on purpose:
 *
 * - {@link CelCompileError}: the expression would not compile on a Kubernetes API server (syntax
 *   error, undeclared reference, no such function or overload, type error, invalid regex literal).
 *   The API server rejects such a policy when it is written, so the harness throws it and never turns
 *   it into a `failurePolicy` outcome.
 * - {@link CelEvalError}: a CEL runtime error (no such key, overflow, bad quantity string, cost
 *   limit...). Admission turns it into a `failurePolicy` outcome, exactly like Kubernetes.
 * - {@link HarnessUnsupportedError}: the harness cannot tell what Kubernetes would do (a Kubernetes
 *   function without a shim, a regex feature it does not translate, a policy field it does not
 *   model). Always thrown, never absorbed by `||`, `&&`, `exists` or `failurePolicy`: a test must
 *   fail loudly rather than pass on a guess.
 *
 * @module
 */

/** The expression would be rejected by the API server at write time. */
export class CelCompileError extends Error {
  constructor(message: string, public readonly expression: string) {
    super(`${message}\n  in expression: ${expression}`);
    this.name = 'CelCompileError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** A CEL runtime error: admission applies `failurePolicy`. */
export class CelEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelEvalError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** The harness does not know what Kubernetes would do here. Never swallowed. */
export class HarnessUnsupportedError extends Error {
  constructor(message: string) {
    super(`cel harness: ${message}`);
    this.name = 'HarnessUnsupportedError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/**
 * Errors that must abort the whole evaluation even where CEL would absorb an error (the left side
 * of `||`, an element of `exists`): harness gaps and the per-call cost limit (cel-go cancels the
 * evaluation with a panic, which nothing absorbs).
 */
export class FatalFault {
  private first: Error | undefined;

  /** Remembers `error` (the first one wins) and returns it, so callers can `throw fault.note(e)`. */
  public note<E extends Error>(error: E): E {
    if (this.first === undefined) {
      this.first = error;
    }
    return error;
  }

  /** The first fatal error noted, if any. */
  public get error(): Error | undefined {
    return this.first;
  }
}

/**
 * The policy or binding itself is invalid: the API server would refuse to store it (bad enum value,
 * `Deny` with `Warn`, a selector with a bad operator, `name` and `selector` both set...).
 */
export class PolicySpecError extends Error {
  constructor(message: string) {
    super(`invalid policy: ${message}`);
    this.name = 'PolicySpecError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
