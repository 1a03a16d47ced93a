#!/usr/bin/env bash
# Fails when any NuGet package of the solution, direct or transitive, has a known vulnerability or is
# deprecated. `dotnet list package --vulnerable/--deprecated` exits 0 even when it finds something, so the
# JSON report is read instead. The advisories come from the package source, so the answer changes over time
# without any change here: .github/workflows/security.yml runs this on a schedule, scripts/test.sh does not.
# Usage: scripts/check-packages.sh [solution-or-project]   (default Daedalus.sln; needs jq and a restore)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${1:-Daedalus.sln}"
failures=0

# report KIND ARGS...: list packages with ARGS and print "<project>: <package> <version> <details>" lines.
report() {
  local kind="$1" json
  shift
  json="$(dotnet list "$target" package "$@" --format json)"
  jq -r --arg kind "$kind" '
    .projects[] | .path as $project | (.frameworks // [])[] | .framework as $tfm
    | ((.topLevelPackages // []) + (.transitivePackages // []))[]
    | select($kind != "vulnerable" or ((.vulnerabilities // []) | length > 0))
    | select($kind != "deprecated" or ((.deprecationReasons // []) | length > 0))
    | "\($project | split("/") | last) (\($tfm)): \(.id) \(.resolvedVersion) "
      + (if $kind == "vulnerable"
         then ([.vulnerabilities[] | "\(.severity) \(.advisoryurl // .advisoryUrl)"] | join(", "))
         else "deprecated (\(.deprecationReasons | join(", ")))"
              + (if .alternativePackage then ", use \(.alternativePackage.id)" else "" end)
         end)' <<<"$json"
}

for kind in vulnerable deprecated; do
  args=(--"$kind" --include-transitive)
  findings="$(report "$kind" "${args[@]}")"
  if [[ -n "$findings" ]]; then
    echo "FAIL: $kind packages in $target:"
    while IFS= read -r line; do echo "  $line"; done <<<"$findings"
    failures=$((failures + 1))
  else
    echo "ok:   no $kind packages in $target"
  fi
done

if [[ $failures -gt 0 ]]; then
  exit 1
fi
