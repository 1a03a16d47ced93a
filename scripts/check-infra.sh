#!/usr/bin/env bash
# Compile and lint the Bicep templates under infra/ with zero tolerance for warnings, then check the
# compiled ARM JSON of every environment against the network and Key Vault policy (scripts/lib/infra-policy.mjs).
# The Bicep compiler comes from the NuGet package Azure.Bicep.CommandLine.linux-x64, restored into a
# cache outside git (nothing downloaded is committed). Override the cache with DAEDALUS_TOOLS_DIR.
#
#   scripts/check-infra.sh [--out DIR]
#
# --out keeps the compiled templates: DIR/main.json and DIR/main.<env>.parameters.json. The deployment
# workflow deploys exactly these, so Azure receives what this pinned compiler produced and checked.
set -euo pipefail

out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    *) echo "usage: $0 [--out DIR]" >&2; exit 2 ;;
  esac
done

BICEP_VERSION="${BICEP_VERSION:-0.49.2}"
BICEP_PACKAGE="Azure.Bicep.CommandLine.linux-x64"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="${DAEDALUS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/daedalus/tools}"
pkg_dir="$tools_dir/nuget"
cd "$repo_root"
if [[ -n "$out" ]]; then
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
fi

find_bicep() {
  find "$pkg_dir/${BICEP_PACKAGE,,}/$BICEP_VERSION" -type f -name bicep 2>/dev/null | head -n 1
}

bicep="${BICEP:-$(find_bicep || true)}"
if [[ -z "$bicep" ]]; then
  echo "check-infra: restoring $BICEP_PACKAGE $BICEP_VERSION into $pkg_dir"
  # A throwaway project whose only job is PackageDownload: restore fetches the package, builds nothing.
  tmp="$(mktemp -d)"
  cat >"$tmp/bicep-fetch.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="$BICEP_PACKAGE" Version="[$BICEP_VERSION]" /></ItemGroup>
</Project>
XML
  dotnet restore "$tmp/bicep-fetch.csproj" --packages "$pkg_dir" --nologo -v quiet
  rm -rf "$tmp"
  bicep="$(find_bicep)"
  [[ -n "$bicep" ]] || { echo "check-infra: no bicep binary inside $BICEP_PACKAGE $BICEP_VERSION" >&2; exit 1; }
fi
chmod +x "$bicep"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 BICEP_TELEMETRY_ENABLED=false
echo "check-infra: $("$bicep" --version)"

compiled="${out:-$(mktemp -d)}"
[[ -n "$out" ]] || trap 'rm -rf "$compiled"' EXIT

failures=0
# Run one bicep command; fail on a non-zero exit or on any diagnostic it prints. Diagnostics go to
# stderr (lint exits 0 even with warnings, hence the grep); anything on stdout is discarded.
run() {
  local diagnostics rc=0
  diagnostics="$("$bicep" "$@" 2>&1 >/dev/null)" || rc=$?
  if [[ $rc -ne 0 ]] || grep -qE '(Warning|Error)' <<<"$diagnostics"; then
    echo "FAIL: bicep $*"
    [[ -n "$diagnostics" ]] && while IFS= read -r line; do echo "  $line"; done <<<"$diagnostics"
    failures=$((failures + 1))
  else
    echo "ok:   bicep $*"
  fi
}

run build infra/main.bicep --outfile "$compiled/main.json"
run lint infra/main.bicep
for module in infra/modules/*.bicep; do
  run lint "$module"
done
for params in infra/*.bicepparam; do
  run build-params "$params" --outfile "$compiled/$(basename "$params" .bicepparam).parameters.json"
done

# The compiled template evaluated with each environment's parameters: private networking, public network
# access, firewall rules and purge protection (see the script for the rules).
if node scripts/lib/infra-policy.mjs "$compiled"; then
  echo "ok:   infra policy ($compiled)"
else
  echo "FAIL: infra policy"
  failures=$((failures + 1))
fi

if [[ $failures -gt 0 ]]; then
  echo "check-infra: $failures check(s) failed" >&2
  exit 1
fi
echo "check-infra: all checks passed (0 warnings, 0 errors)"
