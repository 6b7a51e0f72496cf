import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { NetworkPeer, RayPort, SecureTenantRayCluster, TenantProfile } from '../src';
import { renderOnce } from '../src/shared-render';
import { findObject, newChart } from './support/manifests';

const tenant = new TenantProfile({ name: 'team-a', bounds: { minCpu: '500m', maxCpu: '4', minMemory: '512Mi', maxMemory: '8Gi' } });

describe('one render while nothing changes', () => {
  test('validations share one frozen render; toJson() hands out fresh copies a caller may change', () => {
    const { chart } = newChart();
    const c = new SecureTenantRayCluster(chart, 'ray', { tenant, name: 'demo' });
    const kept: any = c.renderedManifest();
    expect(c.renderedManifest()).toBe(kept);
    expect(Object.isFrozen(kept.spec)).toBe(true);
    const out = c.resource.toJson();
    expect(out).not.toBe(kept);
    expect(out).toEqual(kept);
    out.metadata.name = 'changed';
    delete out.metadata.annotations;
    expect(c.resource.toJson().metadata.name).toBe('demo');
    expect(c.renderedManifest()).toBe(kept);
  });

  test('a patch or a metadata change renders again', () => {
    const { chart } = newChart();
    const c = new SecureTenantRayCluster(chart, 'ray', { tenant, name: 'demo' });
    const first: any = c.renderedManifest();
    c.resource.addJsonPatch(JsonPatch.add('/spec/headGroupSpec/template/spec/priorityClassName', 'x'));
    const second: any = c.renderedManifest();
    expect(second).not.toBe(first);
    expect(second.spec.headGroupSpec.template.spec.priorityClassName).toBe('x');
    c.resource.metadata.addLabel('extra', 'y');
    expect(c.resource.toJson().metadata.labels.extra).toBe('y');
  });

  test('connections declared after a render reach the NetworkPolicy', () => {
    const { chart } = newChart();
    const c = new SecureTenantRayCluster(chart, 'ray', { tenant, name: 'demo' });
    const before = ApiObject.of(c.networkPolicy.resource).toJson();
    c.connections.allowFrom(NetworkPeer.namespace('monitoring'), RayPort.METRICS);
    const after = findObject(Testing.synth(chart), 'NetworkPolicy', 'demo-isolation');
    expect(before.spec.ingress).toHaveLength(1);
    expect(after.spec.ingress).toHaveLength(2);
  });

  test('an object without the patch list cdk8s keeps is rendered every time', () => {
    const fake = { metadata: { toJson: () => ({}) } } as unknown as ApiObject;
    let renders = 0;
    renderOnce(fake, () => ({ n: ++renders }));
    renderOnce(fake, () => ({ n: ++renders }));
    expect(renders).toBe(2);
  });

  test('a multi-chart app synthesizes the same as one chart at a time', () => {
    const build = () => {
      const app = Testing.app();
      for (const id of ['a', 'b', 'c']) {
        const chart = new Chart(app, id);
        new SecureTenantRayCluster(chart, 'ray', { tenant, name: `demo-${id}` });
      }
      return app;
    };
    const yaml = build().synthYaml();
    expect(build().synthYaml()).toBe(yaml);
    expect(yaml.match(/kind: RayCluster/g)).toHaveLength(3);
  });
});
