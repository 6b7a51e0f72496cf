#!/usr/bin/env bash
# Consumer test: use the library the way an application does, from its packed tarball.
#
#   npm run test:consumer                   # what .ci/run runs after `npm test`
#   KEEP_CONSUMER_DIR=1 npm run test:consumer   # keep the temporary app to look at
#   CONSUMER_SKIP_LATEST=1 npm run test:consumer # only the pinned (lowest supported) cdk8s
#
# 1. builds lib/ from scratch and packs it; the tarball's file list must equal README
#    "Release notes" and no file may hold this checkout's absolute path;
# 2. makes a cdk8s app in a temporary directory outside the repository and installs the tarball
#    with cdk8s/constructs at the lowest versions we support (the peer ranges' lower bounds) and
#    cdk8s-cli, typescript, ts-node and @types/node at the versions of our lockfile;
# 3. type-checks the README's zero-config example, unchanged, plus the `imports/ray.io` subpath,
#    with --strict under TypeScript's node10, node16 and bundler module resolution;
# 4. runs `cdk8s synth` with the SecureRayValidation plugin in cdk8s.yaml: dist/ must hold a
#    RayCluster and a NetworkPolicy and the plugin must report success;
# 5. runs the `secure-ray` bin from node_modules/.bin: exit 0 on dist/, 1 on a privileged pod;
# 6. requires the package and its subpaths from plain JavaScript;
# 7. again with the newest cdk8s 2.x and constructs 10.x (skipped with CONSUMER_SKIP_LATEST=1).
set -euo pipefail

started=$SECONDS
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/secure-ray-consumer-XXXXXX")"
cleanup() {
  if [[ "${KEEP_CONSUMER_DIR:-}" == 1 ]]; then echo "consumer: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

step() { echo "consumer: [$((SECONDS - started))s] $*"; }
fail() { echo "consumer: FAILED: $*" >&2; exit 1; }
# The version of a package in this repository's node_modules (= our lockfile).
locked() { node -p "require('$root/node_modules/$1/package.json').version"; }
# The version a devDependency is pinned to in package.json (projen pins peers to their lowest).
pinned() { node -p "require('$root/package.json').devDependencies['$1'].replace(/^[~^]/, '')"; }

case "$work/" in "$root"/*) fail "the temporary app $work is inside the repository";; esac

cdk8s_version="$(pinned cdk8s)"
constructs_version="$(pinned constructs)"
cli_version="$(locked cdk8s-cli)"
typescript_version="$(locked typescript)"
ts_node_version="$(locked ts-node)"
types_node_version="$(locked @types/node)"
package_version="$(node -p "require('$root/package.json').version")"
npm_flags=(--no-audit --no-fund --loglevel=error)

# ---- 1. the tarball ---------------------------------------------------------------------------
step "building lib/ and packing cdk8s-secure-ray@$package_version"
(cd "$root" && npm run --silent prepack >/dev/null)
(cd "$root" && npm pack --ignore-scripts --json --pack-destination "$work" "${npm_flags[@]}") >"$work/pack.json"
tarball="$work/$(node -p "require('$work/pack.json')[0].filename")"
[[ -f "$tarball" ]] || fail "npm pack made no tarball"

node -e "
  const fs = require('fs');
  const packed = require('$work/pack.json')[0].files.map((f) => f.path).sort();
  const readme = fs.readFileSync('$root/README.md', 'utf8');
  const section = readme.split(/^## Release notes\$/m)[1];
  if (!section) throw new Error('README has no \"## Release notes\" section');
  const block = /\`\`\`text\n([\s\S]*?)\`\`\`/.exec(section);
  if (!block) throw new Error('README \"Release notes\" has no \`\`\`text block listing the packed files');
  const listed = block[1].split('\n').map((l) => l.trim()).filter(Boolean).sort();
  const extra = packed.filter((f) => !listed.includes(f));
  const missing = listed.filter((f) => !packed.includes(f));
  if (extra.length || missing.length) {
    console.error('packed but not in README:', extra, '\nin README but not packed:', missing);
    process.exit(1);
  }
  console.log('consumer: the tarball holds the ' + packed.length + ' files README \"Release notes\" lists');
"
mkdir "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
if grep -rlF "$root" "$work/unpacked"; then fail "packed files hold the local path $root"; fi

# ---- 2. a fresh cdk8s app ---------------------------------------------------------------------
app="$work/app"
mkdir "$app"
cd "$app"
npm init -y >/dev/null
step "installing the tarball with cdk8s@$cdk8s_version constructs@$constructs_version cdk8s-cli@$cli_version typescript@$typescript_version ts-node@$ts_node_version @types/node@$types_node_version"
# --omit=optional: cdk8s-plus-27's optional `backport` (a release tool) is not needed (README
# "Dependencies").
npm install "${npm_flags[@]}" --omit=optional "$tarball" \
  "cdk8s@$cdk8s_version" "constructs@$constructs_version" "cdk8s-cli@$cli_version" \
  "typescript@$typescript_version" "ts-node@$ts_node_version" "@types/node@$types_node_version"
npm ls --depth=0 cdk8s constructs cdk8s-secure-ray >/dev/null || fail "npm ls: unmet peer dependencies"

# The README's zero-config example, exactly as written there.
awk '/^## Zero-config example/ { found = 1; next }
     found && /^```ts$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' "$root/README.md" >main.ts
grep -q "new SecureTenantRayCluster" main.ts || fail "could not extract the zero-config example from README.md"

# The generated KubeRay types, typed, from the subpath export.
cat >subpath.ts <<'EOF'
import { SecureRayValidation, SecureRayValidationProps } from 'cdk8s-secure-ray';
import { RayCluster, RayClusterSpec } from 'cdk8s-secure-ray/imports/ray.io';

const props: SecureRayValidationProps = { pssLevel: 'restricted' };
export const plugin: SecureRayValidation = new SecureRayValidation(props);
export const kind: string = RayCluster.GVK.kind;
export const spec: RayClusterSpec = { headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [] } } } };
EOF

cat >tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "target": "ES2020",
    "module": "commonjs",
    "moduleResolution": "node10",
    "esModuleInterop": true,
    "types": ["node"]
  },
  "files": ["main.ts", "subpath.ts"]
}
EOF
cat >tsconfig.node16.json <<'EOF'
{ "extends": "./tsconfig.json", "compilerOptions": { "module": "node16", "moduleResolution": "node16" } }
EOF
cat >tsconfig.bundler.json <<'EOF'
{ "extends": "./tsconfig.json", "compilerOptions": { "module": "preserve", "moduleResolution": "bundler" } }
EOF

cat >bad.yaml <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: rogue
spec:
  containers:
    - name: c
      image: busybox
      securityContext:
        privileged: true
EOF

# check_app LABEL RESOLUTION...: type-check under each resolution (the first one also checks every
# .d.ts, ours included: no skipLibCheck), synth, run the CLI, require() from JavaScript.
check_app() {
  local label="$1"; shift
  local skip_lib_check=false
  for resolution in "$@"; do
    local config=tsconfig.json
    [[ "$resolution" == node10 ]] || config="tsconfig.$resolution.json"
    step "$label: tsc --strict --noEmit, moduleResolution $resolution (skipLibCheck $skip_lib_check)"
    npx --no-install tsc --noEmit -p "$config" --skipLibCheck "$skip_lib_check"
    skip_lib_check=true
  done

  cat >cdk8s.yaml <<EOF
language: typescript
app: npx ts-node main.ts
output: dist
validations:
  - package: ./node_modules/cdk8s-secure-ray
    class: SecureRayValidation
    version: $package_version
    properties:
      pssLevel: restricted
EOF
  rm -rf dist report.json
  step "$label: cdk8s synth with the SecureRayValidation plugin"
  npx --no-install cdk8s synth --no-check-upgrade --validation-reports-output-file report.json
  node -e "
    const fs = require('fs');
    const { parseAllDocuments } = require('yaml');
    const files = fs.readdirSync('dist').filter((f) => f.endsWith('.k8s.yaml'));
    const kinds = files.flatMap((f) => parseAllDocuments(fs.readFileSync('dist/' + f, 'utf8')).map((d) => d.toJS().kind));
    for (const kind of ['RayCluster', 'NetworkPolicy']) {
      if (!kinds.includes(kind)) throw new Error('dist/*.k8s.yaml has no ' + kind + ' (kinds: ' + kinds + ')');
    }
    const reports = JSON.parse(fs.readFileSync('report.json', 'utf8')).reports;
    const ours = reports.filter((r) => /cdk8s-secure-ray@/.test(r.title));
    if (ours.length !== 1) throw new Error('no SecureRayValidation report: ' + JSON.stringify(reports));
    if (ours[0].summary.status !== 'success') throw new Error('validation did not succeed: ' + JSON.stringify(ours[0]));
    console.log('consumer: dist/ holds ' + kinds.join(', ') + '; SecureRayValidation: ' + ours[0].summary.status + ' ' + JSON.stringify(ours[0].summary.metadata));
  "

  step "$label: secure-ray check (node_modules/.bin)"
  [[ -x node_modules/.bin/secure-ray ]] || fail "node_modules/.bin/secure-ray is missing"
  node_modules/.bin/secure-ray check dist/*.k8s.yaml
  local status=0
  node_modules/.bin/secure-ray check bad.yaml >bad.out 2>&1 || status=$?
  [[ "$status" == 1 ]] || { cat bad.out; fail "secure-ray check on a privileged pod exited $status, not 1"; }
  grep -q privileged bad.out || { cat bad.out; fail "secure-ray check did not name the privileged container"; }

  step "$label: require() from plain JavaScript"
  node -e "
    const assert = require('assert');
    assert.strictEqual(typeof require('cdk8s-secure-ray/imports/ray.io').RayCluster, 'function');
    assert.strictEqual(typeof require('cdk8s-secure-ray').SecureTenantRayCluster, 'function');
    assert.strictEqual(typeof require('cdk8s-secure-ray').SecureRayValidation, 'function');
    assert.strictEqual(require('cdk8s-secure-ray/package.json').version, '$package_version');
  "
}

check_app "cdk8s $cdk8s_version" node10 node16 bundler

# ---- 7. the newest cdk8s 2.x --------------------------------------------------------------------
if [[ "${CONSUMER_SKIP_LATEST:-}" != 1 ]]; then
  step "installing the newest cdk8s 2.x and constructs 10.x"
  npm install "${npm_flags[@]}" --omit=optional cdk8s@2 constructs@10
  npm ls --depth=0 cdk8s constructs cdk8s-secure-ray >/dev/null || fail "npm ls: unmet peer dependencies with the newest cdk8s"
  check_app "cdk8s $(node -p "require('cdk8s/package.json').version") constructs $(node -p "require('constructs/package.json').version")" node16
fi

step "passed"
