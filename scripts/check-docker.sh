#!/usr/bin/env bash
# Offline checks for docker/ (there is no Docker engine here, so nothing is built or run):
#  - docker-compose.yml against the Compose Specification JSON schema, plus cross-references, and the
#    Dockerfiles through dockerfile-utils + hadolint-style rules (docker/tools/compose-check, pinned by
#    its package-lock.json; node_modules is installed on demand and never committed);
#  - `docker compose config` (or docker-compose v1) when a compose client is installed;
#  - hadolint and shellcheck when they are on PATH.
# Optional tools that are missing are reported as skipped, never silently.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
tool_dir=docker/tools/compose-check
failures=0

step() { echo "== $*"; }
failed() { echo "FAIL: $*"; failures=$((failures + 1)); }
# check LABEL CMD...: run CMD, report ok or count a failure.
check() {
  local label="$1"
  shift
  if "$@"; then echo "ok:   $label"; else failed "$label"; fi
}

step "compose schema + Dockerfile lint ($tool_dir)"
if [[ ! -d "$tool_dir/node_modules" || "$tool_dir/package-lock.json" -nt "$tool_dir/node_modules/.package-lock.json" ]]; then
  (cd "$tool_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
check "compose-check" node "$tool_dir/check.mjs" docker

step "compose client: config"
compose_args=(-f docker/docker-compose.yml --env-file docker/.env.example config -q)
if docker compose version >/dev/null 2>&1; then
  check "docker compose config" docker compose "${compose_args[@]}"
elif command -v docker-compose >/dev/null 2>&1; then
  check "docker-compose config ($(docker-compose version --short))" docker-compose "${compose_args[@]}"
else
  echo "skipped: no compose client (docker compose plugin or docker-compose) installed"
fi

step "hadolint"
if command -v hadolint >/dev/null 2>&1; then
  check "hadolint" hadolint docker/*.Dockerfile
else
  echo "skipped: hadolint not installed (not packaged for this machine's registries; compose-check applies its main rules)"
fi

step "shellcheck"
if command -v shellcheck >/dev/null 2>&1; then
  check "shellcheck" shellcheck docker/postgres/initdb/*.sh scripts/check-docker.sh scripts/check-infra.sh
else
  check "bash -n (shellcheck not installed)" bash -n docker/postgres/initdb/*.sh
fi

if [[ $failures -gt 0 ]]; then
  echo "check-docker: $failures check(s) failed" >&2
  exit 1
fi
echo "check-docker: all checks passed"
