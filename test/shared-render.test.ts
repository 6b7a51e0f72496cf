import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { SecureTenantRayCluster, TenantProfile } from '../src';
import { keepRender, takeRender } from '../src/shared-render';
import { newChart } from './support/manifests';

const tenant = new TenantProfile({ name: 'team-a', bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' } });

describe('one render per synthesis', () => {
  test('synthesis reuses the validated render: the same object, the same output', () => {
    const { chart } = newChart();
    const c = new SecureTenantRayCluster(chart, 'ray', { tenant, name: 'demo' });
    const fresh = JSON.stringify(ApiObject.of(c.resource).toJson());
    const validated = (c.resource as any).renderForValidation();
    expect(c.resource.toJson()).toBe(validated);
    expect(JSON.stringify(validated)).toBe(fresh);
    // one-shot: the next call renders again
    expect(c.resource.toJson()).not.toBe(validated);
  });

  test('a patch or a metadata change after validation invalidates the kept render', () => {
    const { chart } = newChart();
    const c = new SecureTenantRayCluster(chart, 'ray', { tenant, name: 'demo' });
    (c.resource as any).renderForValidation();
    c.resource.addJsonPatch(JsonPatch.add('/spec/headGroupSpec/template/spec/priorityClassName', 'x'));
    expect(c.resource.toJson().spec.headGroupSpec.template.spec.priorityClassName).toBe('x');
    (c.resource as any).renderForValidation();
    c.resource.metadata.addLabel('extra', 'y');
    expect(c.resource.toJson().metadata.labels.extra).toBe('y');
  });

  test('keepRender/takeRender fall back to a fresh render when the object has no patch list', () => {
    const fake = { metadata: { toJson: () => ({}) } } as unknown as ApiObject;
    let renders = 0;
    keepRender(fake, () => ++renders);
    expect(takeRender(fake, () => ++renders)).toBe(2);
  });

  test('the example synthesizes the same with and without the kept render', () => {
    const { chart } = newChart();
    new SecureTenantRayCluster(chart, 'ray', { tenant, name: 'demo' });
    const once = JSON.stringify(Testing.synth(chart));
    const { chart: chart2 } = newChart();
    new SecureTenantRayCluster(chart2, 'ray', { tenant, name: 'demo' });
    expect(JSON.stringify(Testing.synth(chart2))).toBe(once);
  });
});
