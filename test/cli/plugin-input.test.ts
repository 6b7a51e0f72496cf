/**
 * The cdk8s validation plugin reads manifests with the CLI's reader (as kubectl reads them), so it
 * judges the same objects as `secure-ray check`, and it refuses bad properties with one line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SecureRayValidation, SecureRayValidationPropsError } from '../../src';
import { main } from '../../src/cli/main';

// cdk8s-cli exposes its plugin API only through package exports (`cdk8s-cli/plugins`).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require('cdk8s-cli/plugins');

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-input-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function manifest(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

async function validate(files: string[], props?: any): Promise<any> {
  const ctx = new ValidationContext(files, 'cdk8s-secure-ray', '0.0.0', {}, false);
  await new SecureRayValidation(props).validate(ctx);
  return ctx.report.toJson();
}

async function cliCode(file: string, extra: string[] = []): Promise<number> {
  return main(['check', ...extra, file], { stdout: () => undefined, stderr: () => undefined, env: {} });
}

const PRIVILEGED_IN_LIST = [
  'apiVersion: v1',
  'kind: List',
  'items:',
  '- apiVersion: v1',
  '  kind: Pod',
  '  metadata: {name: rogue}',
  '  spec:',
  '    containers:',
  '    - name: c',
  '      image: busybox',
  '      securityContext: {privileged: true}',
  '',
].join('\n');

describe('the plugin judges what kubectl applies, as the CLI does', () => {
  test('a privileged Pod inside a kind: List (e.g. from an Include) fails, as in the CLI', async () => {
    const file = manifest('list.k8s.yaml', PRIVILEGED_IN_LIST);
    const report = await validate([file], { pssLevel: 'baseline' });
    expect(report.summary.status).toBe('failure');
    expect(report.violations).toEqual([expect.objectContaining({ ruleName: 'pod-security/privileged' })]);
    expect(report.violations[0].violatingConstructs[0]).toMatchObject({ resourceName: 'rogue', locations: ['spec.containers[0].securityContext.privileged'] });
    expect(await cliCode(file, ['--pss-level', 'baseline'])).toBe(1);
  });

  test('merge keys and YAML 1.1 booleans apply', async () => {
    const file = manifest('merge.k8s.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: m}\nspec:\n  <<: {hostPID: yes}\n  containers: [{name: c, image: i}]\n');
    const report = await validate([file], { pssLevel: 'baseline' });
    expect(report.violations.map((v: any) => v.ruleName)).toEqual(['pod-security/hostNamespaces']);
  });

  test('input the reader refuses is a secure-ray/input violation with file and line', async () => {
    const file = manifest('bad.k8s.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: # ok\u2028  hostPID: true\n');
    const report = await validate([file]);
    expect(report.summary.status).toBe('failure');
    expect(report.summary.metadata).toMatchObject({ inputErrors: '1' });
    expect(report.violations).toEqual([expect.objectContaining({
      ruleName: 'secure-ray/input',
      recommendation: expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: U\\+2028 \\(LINE SEPARATOR\\)`)),
    })]);
    expect(await cliCode(file)).toBe(2);
  });
});

describe('bad properties: one line naming the property, the value and what is expected', () => {
  test.each([
    [{ pssLevel: 'Restricted' }, 'SecureRayValidation: property "pssLevel" is "Restricted"; expected "baseline" or "restricted" (cdk8s.yaml: validations[].properties)'],
    [{ pssVersion: 'v2' }, 'SecureRayValidation: property "pssVersion" is "v2"; expected latest, v1.0 to v1.'],
    [{ pssVersion: 1.3 }, 'SecureRayValidation: property "pssVersion" is 1.3; expected latest'],
    [{ tenants: { 'team-a': { maxCpu: '4' } } }, 'SecureRayValidation: property "tenants" is {"team-a":{"maxCpu":"4"}}; expected a list of tenant definitions'],
    [{ tenants: [{ name: 'a', bounds: { maxCpu: true } }] }, 'SecureRayValidation: property "tenants": tenant "a": bounds.maxCpu must be a string or a number'],
    [{ tenants: [{ name: 'a' }, { name: 'a' }] }, 'SecureRayValidation: property "tenants": tenant 1: duplicate tenant name "a"'],
    [{ pssLvl: 'baseline' }, 'SecureRayValidation: unknown property "pssLvl"; expected pssLevel, pssVersion, tenants'],
    ['restricted', 'SecureRayValidation: properties are "restricted"; expected a map of pssLevel, pssVersion, tenants'],
  ])('%j', (props, message) => {
    let err: unknown;
    try {
      new SecureRayValidation(props as any);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SecureRayValidationPropsError);
    const e = err as Error;
    expect(e.message.startsWith(message)).toBe(true);
    expect(e.message).not.toContain('\n');
    // cdk8s-cli prints `stack`: it is the one line, no trace.
    expect(e.stack).toBe(`SecureRayValidationPropsError: ${e.message}`);
  });

  test('no properties, or null, are the defaults', async () => {
    expect(() => new SecureRayValidation()).not.toThrow();
    expect(() => new SecureRayValidation(null as any)).not.toThrow();
  });
});
