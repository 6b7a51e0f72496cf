import { REQUIRE_SHARED_ENV, sharedPath } from './manifests';

/** The gate every test that reads ../shared goes through. */
describe('sharedPath', () => {
  const saved = process.env[REQUIRE_SHARED_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[REQUIRE_SHARED_ENV]; else process.env[REQUIRE_SHARED_ENV] = saved;
  });

  test('a missing path in a user\'s clone: undefined, with a visible SKIPPED warning', () => {
    delete process.env[REQUIRE_SHARED_ENV];
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(sharedPath('no-such-folder', 'x.yaml')).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^SKIPPED: .*no-such-folder\/x\.yaml not found \(\.\.\/shared is absent\)/));
    } finally {
      warn.mockRestore();
    }
  });

  test('a missing path in CI (SECURE_RAY_REQUIRE_SHARED=1): throws, so the suite fails instead of skipping', () => {
    process.env[REQUIRE_SHARED_ENV] = '1';
    expect(() => sharedPath('no-such-folder')).toThrow(/no-such-folder not found, and SECURE_RAY_REQUIRE_SHARED=1/);
  });
});
