/**
 * Judges synthesized manifests the way the cluster would: the policy engine (every rule passes or
 * skips), the KubeRay CRD schema for RayClusters (unknown fields rejected), `kubernetes-models`
 * for built-in kinds, and a few API-server checks the schemas do not express.
 */
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { checkManifests, formatViolation, RULE_IDS, TenantDefinition } from '../../src';
import { CrdValidator, loadCrdValidator } from '../support/crd-schema';
import { sharedPath } from '../support/manifests';

let crd: CrdValidator | undefined | null = null;

/**
 * The RayCluster CRD validator, or undefined (with one visible warning, from sharedPath) when
 * ../shared is absent; in CI (SECURE_RAY_REQUIRE_SHARED=1) its absence throws.
 */
export function rayClusterValidator(): CrdValidator | undefined {
  if (crd === null) {
    const file = sharedPath('kuberay', 'crd', 'ray.io_rayclusters.yaml');
    crd = file === undefined ? undefined : loadCrdValidator(file, { rejectUnknownFields: true });
  }
  return crd;
}

type Model = new (data: any) => { validate(): void };
const MODELS: Record<string, Model> = {
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as Model,
  'v1/ConfigMap': ConfigMap as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as Model,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as Model,
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isCidr(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
  if (m) return m.slice(1, 5).every((x) => Number(x) <= 255) && Number(m[5]) <= 32;
  return /^[0-9a-fA-F:]+\/\d{1,3}$/.test(v) && Number(v.split('/')[1]) <= 128;
}

/** Problems the API server would reject that the schemas do not say. */
function apiServerProblems(m: any): string[] {
  const out: string[] = [];
  const name = m.metadata?.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) out.push(`metadata.name ${JSON.stringify(name)} is not a DNS-1123 subdomain`);
  if (m.metadata?.namespace !== undefined && !DNS_LABEL.test(m.metadata.namespace)) out.push(`metadata.namespace ${JSON.stringify(m.metadata.namespace)}`);
  if (m.kind === 'RayCluster') {
    // KubeRay names pods and services after the cluster: it must be a DNS-1123 label.
    if (typeof name === 'string' && (name.length > 63 || !DNS_LABEL.test(name))) out.push(`RayCluster name ${JSON.stringify(name)} is not a DNS-1123 label`);
    const groups = [{ p: 'spec.headGroupSpec', g: m.spec?.headGroupSpec }, ...(m.spec?.workerGroupSpecs ?? []).map((g: any, i: number) => ({ p: `spec.workerGroupSpecs[${i}]`, g }))];
    for (const { p, g } of groups) {
      const spec = g?.template?.spec ?? {};
      const names = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c: any) => c.name);
      const dup = names.find((n: string, i: number) => names.indexOf(n) !== i);
      if (dup !== undefined) out.push(`${p}.template.spec: duplicate container name ${JSON.stringify(dup)}`);
      const vols = (spec.volumes ?? []).map((v: any) => v.name);
      const dupVol = vols.find((n: string, i: number) => vols.indexOf(n) !== i);
      if (dupVol !== undefined) out.push(`${p}.template.spec.volumes: duplicate volume name ${JSON.stringify(dupVol)}`);
      for (const [ci, c] of [...(spec.initContainers ?? []), ...(spec.containers ?? [])].entries()) {
        for (const vm of c.volumeMounts ?? []) if (!vols.includes(vm.name)) out.push(`${p}.template.spec container ${ci}: volumeMount of unknown volume ${JSON.stringify(vm.name)}`);
        const ports = (c.ports ?? []).map((x: any) => x.name).filter((x: unknown) => x !== undefined);
        const dupPort = ports.find((n: string, i: number) => ports.indexOf(n) !== i);
        if (dupPort !== undefined) out.push(`${p}.template.spec container ${JSON.stringify(c.name)}: duplicate port name ${JSON.stringify(dupPort)}`);
      }
    }
  }
  if (m.kind === 'NetworkPolicy') {
    for (const rule of [...(m.spec?.ingress ?? []), ...(m.spec?.egress ?? [])]) {
      for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
        if (peer.ipBlock && !isCidr(peer.ipBlock.cidr)) out.push(`NetworkPolicy ipBlock.cidr ${JSON.stringify(peer.ipBlock.cidr)} is not a CIDR`);
      }
      for (const port of rule.ports ?? []) {
        if (typeof port.port === 'number' && (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535)) out.push(`NetworkPolicy port ${port.port}`);
      }
    }
  }
  return out;
}

/** Every problem with the synthesized manifests (empty = the cluster would accept them, and they are secure). */
export function outputProblems(manifests: any[], tenant: TenantDefinition): string[] {
  const problems: string[] = [];
  const report = checkManifests(manifests, { tenants: [tenant], pssLevel: 'restricted', pssVersion: 'latest' });
  for (const d of report.documents) {
    for (const r of RULE_IDS) {
      const res = d.rules[r];
      if (res.status === 'fail') problems.push(...res.violations.map((v) => `${d.kind}/${d.name}: ${formatViolation(v)}`));
    }
  }
  for (const m of manifests) {
    const id = `${m.kind}/${m.metadata?.name}`;
    if (m.kind === 'RayCluster' && typeof m.apiVersion === 'string' && m.apiVersion.startsWith('ray.io/')) {
      const v = rayClusterValidator();
      if (v) problems.push(...v.validate(m).map((e) => `${id}: CRD: ${e.path}: ${e.message}`));
    } else {
      const model = MODELS[`${m.apiVersion}/${m.kind}`];
      if (!model) {
        problems.push(`${id}: no validator for ${m.apiVersion}/${m.kind}`);
      } else {
        try {
          new model(m).validate();
        } catch (e) {
          problems.push(`${id}: kubernetes-models: ${(e as Error).message}`);
        }
      }
    }
    problems.push(...apiServerProblems(m).map((p) => `${id}: ${p}`));
  }
  return problems;
}
