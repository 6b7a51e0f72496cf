import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Jest global setup: every temporary file or directory a test run makes (cdk8s's `Testing.app()`
 * makes a `cdk8s.outdir.*` per app, the tests their own) goes into one directory of this run,
 * which `global-teardown.ts` removes. `os.tmpdir()` reads `TMPDIR` on every call, and the test
 * workers inherit the environment.
 */
export default function setup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-ray-test-'));
  process.env.SECURE_RAY_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
