/**
 * The Ray policy and the engine say the same thing about Ray objects: every object of a corpus
 * goes through the emitted ValidatingAdmissionPolicies (and Kyverno ValidatingPolicies) as a CREATE
 * in a tenant's namespace, and through `checkDocument` with the platform's tenant definitions (all
 * three rules: `enforce-tenant-isolation`, `pod-security`, `generate-network-policies`); the
 * verdicts (admit / refuse) must agree, or differ in one of these documented ways, asserted as such:
 *
 * 1. `pss-outside-cel`: the engine refuses, admission admits, and every violation is a Pod Security
 *    Standard check left to Pod Security Admission (`PSS_CHECKS_OUTSIDE_CEL`: sysctls, SELinux,
 *    AppArmor, Windows HostProcess, probe hosts). Pod Security Admission refuses the pods later.
 * 2. `identity`: admission refuses, the engine admits, and every denial is the label validation
 *    (`secure-ray.io/*` on the object or its templates, `ray.io/*` on a submitter template, written
 *    by someone other than the platform or the KubeRay operator). A manifest has no requester.
 * 3. `generate-name`: a manifest with only `metadata.generateName` (KubeRay's Kueue sample): the
 *    engine refuses it (`generate-network-policies`: no name to select the pods by), while the API
 *    server has generated the name before validating admission runs (the corpus sends it so).
 * 4. `operator-without-tenant-label`: the KubeRay operator creates an object without a `tenant`
 *    label (the RayJob of a RayCronJob gets only `ray.io/cronjob-name`, and its RayCluster the
 *    RayJob's labels): admission admits it — the namespace decides the tenant and its bounds, and
 *    every pod is still judged — while the engine, judging a manifest, refuses any Ray object
 *    without the label (and then has no bounds to read).
 *
 * Nothing else may differ. What KubeRay itself would refuse (names too long for it, invalid
 * submission settings) is a warning in the engine and not judged at admission: both judge what
 * would run. Corpus: the Ray objects of the admission corpus, the KubeRay v1.7.0 samples
 * (`../shared/kuberay/samples`, `samples-jobs`) as they are and fitted to each tenant, the seed's
 * four examples, hand-written cases, and the example app's output (`buildExampleApp`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ALL_CASES } from './cases';
import { autoscalerOptions, rayCluster, rayContainer, rayJob, rayService, rayTemplate } from './ray-objects';
import { admit, changed, DEFS, IDENTITIES, rayResource, request, TEAM_A, TEAM_B, TEAM_C, User, USERS } from './support';
import { buildExampleApp } from '../../../src/main';
import { PSS_CHECKS_IN_CEL, PSS_CHECKS_OUTSIDE_CEL, RAY_OUTSIDE_CEL, rayPolicyName, rayWorkloadRuleSet } from '../../../src/policy/cel';
import { checkDocument, documentFailed } from '../../../src/policy/engine';
import { PSS_CHECKS } from '../../../src/policy/pod-security/registry';
import { TenantDefinition } from '../../../src/policy/tenant-definition';
import { sharedPath } from '../../support/manifests';

type Verdict = 'admit' | 'refuse';
type Difference = 'agree' | 'pss-outside-cel' | 'identity' | 'generate-name' | 'operator-without-tenant-label';

const RAY_KINDS = ['RayCluster', 'RayJob', 'RayService', 'RayCronJob'];
const ns = (d: TenantDefinition) => d.namespace ?? d.name;
const userOf = (username: string): User => (Object.keys(USERS) as User[]).find((u) => USERS[u].username === username)!;

interface Outcome {
  readonly engine: Verdict;
  readonly vap: Verdict;
  readonly kyverno: Verdict;
  readonly difference?: Difference;
  readonly engineSays: string[];
  readonly admissionSays: string[];
}

function judge(doc: any, user: User): Outcome {
  const result = checkDocument(doc, { tenants: DEFS });
  // The API server generates the name before validating admission (registry BeforeCreate).
  const named = doc.metadata?.name === undefined && doc.metadata?.generateName !== undefined
    ? changed(doc, (d) => { d.metadata.name = `${d.metadata.generateName}x7k2q`; }) : doc;
  const req = request(rayResource(doc.kind), 'CREATE', user, { object: named });
  const vap = admit('vap', req);
  const kyverno = admit('kyverno', req);
  for (const v of [vap, kyverno]) if (v.errors.length > 0) throw new Error(`evaluation errors: ${v.errors.join('; ')}`);
  const violations = Object.values(result.rules).flatMap((r) => r.violations);
  const engine: Verdict = documentFailed(result) ? 'refuse' : 'admit';
  const admission: Verdict = vap.allowed ? 'admit' : 'refuse';
  let difference: Difference | undefined;
  if (engine === admission) {
    difference = 'agree';
  } else if (engine === 'refuse' && violations.every((v) => v.rule === 'pod-security' && PSS_CHECKS_OUTSIDE_CEL.includes(v.check ?? ''))) {
    difference = 'pss-outside-cel';
  } else if (admission === 'refuse' && vap.denials.every((d) => /may not set, change or remove the labels/.test(d.message))) {
    difference = 'identity';
  } else if (engine === 'refuse' && named !== doc && violations.every((v) => v.rule === 'generate-network-policies' && v.path === 'metadata.name')) {
    difference = 'generate-name';
  } else if (engine === 'refuse' && user === 'operator' && doc.metadata?.labels?.tenant === undefined
    && violations.every((v) => v.path === 'metadata.labels.tenant' || v.path.startsWith('metadata.annotations.'))) {
    difference = 'operator-without-tenant-label';
  }
  return {
    engine,
    vap: admission,
    kyverno: kyverno.allowed ? 'admit' : 'refuse',
    difference,
    engineSays: violations.map((v) => `${v.rule}${v.check ? `/${v.check}` : ''} ${v.path}: ${v.message}`),
    admissionSays: vap.denials.map((d) => d.message),
  };
}

const tally: Record<string, Record<Difference | 'objects' | 'refused', number>> = {};
/** Differences a case must show (else: whichever documented one it shows, or agreement). */
const expectedDifferences: Record<string, Difference> = {};

function record(corpus: string, name: string, doc: any, user: User): Outcome {
  const o = judge(doc, user);
  expect({ name, vap: o.vap }).toEqual({ name, vap: o.kyverno });
  const says = o.difference === undefined ? { engineSays: o.engineSays, admissionSays: o.admissionSays } : {};
  expect({ corpus, name, difference: o.difference, ...says })
    .toEqual({ corpus, name, difference: expectedDifferences[`${corpus}: ${name}`] ?? o.difference ?? 'agree' });
  const t = (tally[corpus] ??= { 'objects': 0, 'agree': 0, 'pss-outside-cel': 0, 'identity': 0, 'generate-name': 0, 'operator-without-tenant-label': 0, 'refused': 0 });
  t.objects++;
  t[o.difference!]++;
  if (o.vap === 'refuse') t.refused++;
  return o;
}

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`Ray differential corpus (objects: agreeing, documented differences, refused by admission):\n${Object.entries(tally)
    .map(([k, t]) => `  ${k}: ${t.objects} objects, ${t.agree} agree, ${t['pss-outside-cel']} pss-outside-cel, ${t.identity} identity, `
      + `${t['generate-name']} generate-name, ${t['operator-without-tenant-label']} operator-without-tenant-label, ${t.refused} refused`).join('\n')}`);
});

// ---- fitting an object to a tenant ------------------------------------------------------------------

/** The embedded cluster specs and pod templates of a Ray object. */
function clusterSpecs(d: any): any[] {
  switch (d.kind) {
    case 'RayCluster': return d.spec ? [d.spec] : [];
    case 'RayService': return d.spec?.rayClusterConfig ? [d.spec.rayClusterConfig] : [];
    case 'RayJob': return d.spec?.rayClusterSpec ? [d.spec.rayClusterSpec] : [];
    default: return d.spec?.jobTemplate?.rayClusterSpec ? [d.spec.jobTemplate.rayClusterSpec] : [];
  }
}

function fitPodSpec(spec: any, def: TenantDefinition): void {
  const b = def.bounds!;
  spec.nodeSelector = { [def.nodeLabelKey ?? 'tenant']: def.nodeLabelValue ?? def.name };
  spec.tolerations = [{ key: def.taintKey ?? 'tenant', operator: 'Equal', value: def.taintValue ?? def.name, ...(def.taintEffect ? { effect: def.taintEffect } : {}) }];
  delete spec.affinity;
  spec.securityContext = { ...spec.securityContext, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  if (spec.securityContext.runAsUser === 0) delete spec.securityContext.runAsUser;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const extended = Object.fromEntries(Object.entries(c.resources?.limits ?? {}).filter(([k]) => k.includes('/')));
    c.resources = {
      requests: { cpu: String(b.minCpu), memory: String(b.minMemory) },
      limits: { cpu: String(b.maxCpu), memory: String(b.maxMemory), ...extended },
    };
    const sc = { ...c.securityContext, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    delete sc.privileged;
    if (sc.runAsUser === 0) delete sc.runAsUser;
    if (sc.runAsNonRoot === false) delete sc.runAsNonRoot;
    c.securityContext = sc;
  }
}

/**
 * A Ray object made to fit a tenant: its namespace and labels, every template pinned, tolerating,
 * within the bounds, restricted; a K8sJobMode job without a submitter template gets one.
 */
function fitted(doc: any, def: TenantDefinition): any {
  return changed(doc, (d) => {
    d.metadata = { ...d.metadata, namespace: ns(def), labels: { ...d.metadata?.labels, tenant: def.name } };
    for (const spec of clusterSpecs(d)) {
      for (const g of [spec.headGroupSpec, ...(spec.workerGroupSpecs ?? [])].filter(Boolean)) {
        if (g.labels?.tenant !== undefined) g.labels.tenant = def.name;
        g.template ??= {};
        g.template.metadata = { ...g.template.metadata, labels: { ...g.template.metadata?.labels, tenant: def.name } };
        fitPodSpec(g.template.spec ??= { containers: [] }, def);
      }
      if (spec.enableInTreeAutoscaling === true) {
        spec.autoscalerOptions = { ...spec.autoscalerOptions, ...autoscalerOptions() };
        if (spec.autoscalerOptions.resources) spec.autoscalerOptions.resources = rayContainer(def, 'autoscaler').resources;
      }
    }
    const job = d.kind === 'RayJob' ? d.spec : d.kind === 'RayCronJob' ? d.spec?.jobTemplate : undefined;
    // KubeRay's default submitter is refused: give a K8sJobMode job a submitter template of its own.
    if (job && (job.submissionMode ?? 'K8sJobMode') === 'K8sJobMode' && !job.submitterPodTemplate) job.submitterPodTemplate = rayTemplate(def, 'submitter');
    if (job?.submitterPodTemplate) {
      const t = job.submitterPodTemplate;
      t.metadata = { ...t.metadata, labels: { ...t.metadata?.labels, tenant: def.name } };
      fitPodSpec(job.submitterPodTemplate.spec, def);
    }
  });
}

function rayDocs(dir: string): Array<{ file: string; doc: any }> {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))
    .map((d) => d.toJS()).filter((doc) => RAY_KINDS.includes(doc?.kind)).map((doc) => ({ file, doc })));
}

// ---- the corpus -------------------------------------------------------------------------------------

test('the Ray objects of the admission corpus (CREATEs), with their requesters', () => {
  const cases = ALL_CASES.filter((c) => c.request.operation === 'CREATE' && RAY_KINDS.includes(c.request.kind.kind)
    && DEFS.some((d) => ns(d) === c.request.namespace));
  expect(cases.length).toBeGreaterThan(150);
  for (const c of cases) {
    // the corpus expects exactly the Ray policy to deny, or nothing
    const policy = rayPolicyName(DEFS.find((d) => ns(d) === c.request.namespace)!.name);
    expect(Object.keys(c.denies ?? {}).every((p) => p === policy)).toBe(true);
    record('admission corpus', c.name, c.request.object, userOf(c.request.userInfo!.username!));
  }
  // differences 2 and 3 are really exercised
  expect(tally['admission corpus'].identity).toBeGreaterThan(0);
  expect(tally['admission corpus']['operator-without-tenant-label']).toBe(3);
});

for (const [corpus, dir] of [['KubeRay samples', 'samples'], ['KubeRay job and service samples', 'samples-jobs']] as const) {
  const at = sharedPath('kuberay', dir);
  (at ? test : test.skip)(`${corpus} (${dir}/) in team-b's namespace as they are, and fitted to each tenant`, () => {
    const docs = rayDocs(at!);
    expect(docs.length).toBeGreaterThan(35);
    for (const { file, doc } of docs) {
      const name = `${file} ${doc.kind} ${doc.metadata?.name}`;
      record(`${corpus} as they are`, name, changed(doc, (d) => { d.metadata = { ...d.metadata, namespace: 'team-b' }; }), 'alice');
      for (const def of DEFS) record(`${corpus} fitted to ${def.name}`, name, fitted(doc, def), 'alice');
    }
    expect(tally[`${corpus} as they are`].refused).toBe(tally[`${corpus} as they are`].objects); // no sample is pinned
    for (const def of DEFS) {
      const t = tally[`${corpus} fitted to ${def.name}`];
      expect(t.refused).toBeLessThan(t.objects); // some fit ...
    }
  });
}

const seeds = sharedPath('seeds', 'examples');
(seeds ? test : test.skip)('the seed\'s four examples, in team-a\'s namespace', () => {
  const docs = rayDocs(seeds!);
  expect(docs.length).toBe(4);
  for (const { file, doc } of docs) {
    record('seed examples', file, changed(doc, (d) => { d.metadata.namespace = 'team-a'; }), 'alice');
    record('seed examples fitted to team-a', file, fitted(doc, TEAM_A), 'alice');
  }
});

test('hand-written cases', () => {
  const a = TEAM_A;
  const cases: Array<[string, any, User, Verdict, Difference?]> = [
    ['a privileged head inside a RayJob\'s rayClusterSpec', changed(rayJob(a), (x) => { x.spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].securityContext.privileged = true; }), 'alice', 'refuse'],
    ['a group label overriding the tenant', changed(rayCluster(a), (x) => { x.spec.workerGroupSpecs[0].labels = { tenant: 'team-b' }; }), 'alice', 'refuse'],
    ['a LoadBalancer serveService', changed(rayService(a), (x) => { x.spec.serveService.spec.type = 'LoadBalancer'; }), 'alice', 'refuse'],
    ['a LoadBalancer serveService of a tenant allowed exposure', changed(rayService(TEAM_C), (x) => { x.spec.serveService.spec.type = 'LoadBalancer'; }), 'alice', 'admit'],
    ['a RayJob without a submitter template', changed(rayJob(a), (x) => { delete x.spec.submitterPodTemplate; }), 'alice', 'refuse'],
    ['a compliant HTTPMode RayJob', changed(rayJob(a), (x) => { x.spec.submissionMode = 'HTTPMode'; delete x.spec.submitterPodTemplate; }), 'alice', 'admit'],
    ['a RayJob in SidecarMode', changed(rayJob(a), (x) => { x.spec.submissionMode = 'SidecarMode'; delete x.spec.submitterPodTemplate; }), 'alice', 'refuse'],
    ['a RayJob in InteractiveMode', changed(rayJob(a), (x) => { x.spec.submissionMode = 'InteractiveMode'; delete x.spec.submitterPodTemplate; }), 'alice', 'admit'],
    ['a RayJob on an existing cluster without a submitter template', changed(rayJob(a), (x) => { delete x.spec.rayClusterSpec; delete x.spec.submitterPodTemplate; x.spec.clusterSelector = { 'ray.io/cluster': 'rc' }; }), 'alice', 'refuse'],
    ['the autoscaler without a securityContext', changed(rayCluster(a), (x) => { x.spec.enableInTreeAutoscaling = true; }), 'alice', 'refuse'],
    ['the autoscaler with KubeRay\'s default resources and a restricted securityContext', changed(rayCluster(a), (x) => { x.spec.enableInTreeAutoscaling = true; x.spec.autoscalerOptions = autoscalerOptions(); }), 'alice', 'admit'],
    ['NVIDIA_VISIBLE_DEVICES with a GPU in a worker\'s Ray container (wait-gcs-ready copies the env, not the GPU)', changed(rayCluster(TEAM_B), (x) => {
      const c = x.spec.workerGroupSpecs[0].template.spec.containers[0];
      c.resources.limits['nvidia.com/gpu'] = '1';
      c.env = [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }];
    }), 'alice', 'refuse'],
    ['a history collector', changed(rayCluster(a), (x) => { x.spec.historyServerOptions = { collectorOptions: { image: 'c', resources: rayContainer(a, 'c').resources } }; }), 'alice', 'refuse'],
    ['mTLS', changed(rayCluster(a), (x) => { x.spec.tlsOptions = { enabled: true }; }), 'alice', 'admit'],
    ['an unsafe sysctl (left to Pod Security Admission)', changed(rayCluster(a), (x) => { x.spec.headGroupSpec.template.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }),
      'alice', 'admit', 'pss-outside-cel'],
    ['AppArmor Unconfined (left to Pod Security Admission)', changed(rayCluster(a), (x) => { x.spec.workerGroupSpecs[0].template.spec.securityContext.appArmorProfile = { type: 'Unconfined' }; }),
      'alice', 'admit', 'pss-outside-cel'],
    ['an SELinux user (left to Pod Security Admission)', changed(rayCluster(a), (x) => { x.spec.headGroupSpec.template.spec.containers[0].securityContext.seLinuxOptions = { user: 'root' }; }),
      'alice', 'admit', 'pss-outside-cel'],
    ['secure-ray.io/workload on a tenant\'s template (identity)', changed(rayCluster(a), (x) => { x.spec.headGroupSpec.template.metadata.labels['secure-ray.io/workload'] = 'rayjob-x'; }),
      'alice', 'refuse', 'identity'],
    ['the same applied by the platform', changed(rayCluster(a), (x) => { x.spec.headGroupSpec.template.metadata.labels['secure-ray.io/workload'] = 'rayjob-x'; }), 'argocd', 'admit'],
    ['a RayCluster with no worker groups', changed(rayCluster(a), (x) => { delete x.spec.workerGroupSpecs; }), 'alice', 'admit'],
    ['a worker group with replicas 0 still judged (the autoscaler may scale it up)', changed(rayCluster(a), (x) => {
      x.spec.workerGroupSpecs[0].replicas = 0;
      x.spec.workerGroupSpecs[0].minReplicas = 0;
      x.spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.cpu = '100';
    }), 'alice', 'refuse'],
    ['a RayCronJob whose job template runs a privileged worker', changed({ apiVersion: 'ray.io/v1', kind: 'RayCronJob', metadata: { name: 'cron', namespace: 'team-a', labels: { tenant: 'team-a' } }, spec: { schedule: '@hourly', jobTemplate: rayJob(a).spec } },
      (x) => { x.spec.jobTemplate.rayClusterSpec.workerGroupSpecs[0].template.spec.containers[0].securityContext.privileged = true; }), 'alice', 'refuse'],
  ];
  for (const [name, doc, user, verdict, difference] of cases) {
    if (difference) expectedDifferences[`hand-written: ${name}`] = difference;
    const o = record('hand-written', name, doc, user);
    expect({ name, admission: o.vap }).toEqual({ name, admission: verdict });
  }
  void TEAM_B;
});

test('the example app\'s Ray objects, applied by the platform (Argo CD)', () => {
  const app = buildExampleApp(Testing.app());
  const docs = app.charts.flatMap((c) => Testing.synth(c as Chart)).filter((d: any) => RAY_KINDS.includes(d.kind));
  expect(docs.length).toBeGreaterThan(1);
  for (const doc of docs) {
    const o = record('example app', `${doc.kind} ${doc.metadata.name}`, doc, 'argocd');
    expect({ name: doc.metadata.name, admission: o.vap }).toEqual({ name: doc.metadata.name, admission: 'admit' });
  }
});

test('what stays outside CEL is named, once: every Pod Security check of the engine is in CEL or left to Pod Security Admission, and the policy says so', () => {
  const engine = PSS_CHECKS.map((c) => c.id).sort();
  expect([...PSS_CHECKS_IN_CEL, ...PSS_CHECKS_OUTSIDE_CEL].sort()).toEqual(engine);
  expect(PSS_CHECKS_IN_CEL.filter((c) => PSS_CHECKS_OUTSIDE_CEL.includes(c))).toEqual([]);
  const description = rayWorkloadRuleSet(TEAM_A, IDENTITIES).description;
  for (const item of RAY_OUTSIDE_CEL) expect(description).toContain(item);
  for (const check of PSS_CHECKS_OUTSIDE_CEL) expect(description).toContain(check);
  expect(RAY_OUTSIDE_CEL.length).toBe(4);
});
