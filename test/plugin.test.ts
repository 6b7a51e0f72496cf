import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SecureRayValidation } from '../src';
import { buildExampleApp, synthesizeSafely } from '../src/main';

// cdk8s-cli exposes its plugin API only through package exports (`cdk8s-cli/plugins`).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require('cdk8s-cli/plugins');

function dir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-'));
}

describe('SecureRayValidation (cdk8s validation plugin)', () => {
  test('passes the example app, through cdk8s-cli\'s own ValidationContext', async () => {
    const out = path.join(dir(), 'dist');
    synthesizeSafely(out, buildExampleApp);
    const ctx = new ValidationContext(fs.readdirSync(out).map((f) => path.join(out, f)), 'cdk8s-secure-ray', '0.0.0', {}, false);
    await new SecureRayValidation().validate(ctx);
    const report = ctx.report.toJson();
    expect(report.summary.status).toBe('success');
    expect(report.violations).toEqual([]);
    expect(report.summary.metadata).toMatchObject({ failed: '0' });
    expect(Number(report.summary.metadata.documents)).toBeGreaterThan(10);
  });

  test('fails a manifest the construct did not make, with rule, path and fix', async () => {
    const d = dir();
    const file = path.join(d, 'other.k8s.yaml');
    fs.writeFileSync(file, [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: rogue', 'spec:', '  hostNetwork: true', '  containers:', '    - name: c', '      image: busybox', '',
    ].join('\n'));
    const ctx = new ValidationContext([file], 'cdk8s-secure-ray', '0.0.0', {}, false);
    await new SecureRayValidation({ pssLevel: 'baseline' }).validate(ctx);
    const report = ctx.report.toJson();
    expect(report.summary.status).toBe('failure');
    expect(report.violations).toEqual([expect.objectContaining({
      ruleName: 'pod-security/hostNamespaces',
      recommendation: 'host namespaces (hostNetwork=true)',
      fix: 'remove hostNetwork/hostPID/hostIPC',
    })]);
    expect(report.violations[0].violatingConstructs[0]).toMatchObject({ resourceName: 'rogue', locations: ['spec.hostNetwork'], manifestPath: file });
  });
});
