import * as fs from 'fs';

/** Jest global teardown: removes the run's temporary directory (see `global-setup.ts`). */
export default function teardown(): void {
  const dir = process.env.SECURE_RAY_TEST_TMPDIR;
  if (dir && fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
}
