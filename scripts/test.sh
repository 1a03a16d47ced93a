#!/usr/bin/env bash
# The whole test suite. Installs what it needs (PostgreSQL server binaries, Azurite from npm, the Bicep
# compiler from NuGet), builds everything that can restore here, checks formatting, runs the tests against a
# real PostgreSQL and Azurite that the tests start, and checks infra/, docker/ and .github/workflows/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-postgres.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step() { printf '\n==> %s\n' "$*"; }

step "PostgreSQL server binaries"
ensure_postgres
command -v initdb

if [ -f tools/azurite/package-lock.json ]; then
  step "Azurite (pinned by tools/azurite/package-lock.json)"
  (cd tools/azurite && npm ci --no-audit --no-fund --loglevel=error)
fi

step "build (warnings are errors)"
dotnet build Daedalus.Local.slnf -c Release -nologo -v quiet -clp:ErrorsOnly

step "functions/ (Azure Functions worker SDK)"
if [ -n "${DAEDALUS_FUNCTIONS_FEED:-}" ]; then
  dotnet build functions/Daedalus.Functions.csproj -c Release -nologo -v quiet -clp:ErrorsOnly \
    -p:RestoreAdditionalProjectSources="$DAEDALUS_FUNCTIONS_FEED" -p:_FunctionsBuildEnabled=false
  echo "functions/ built against the local feed $DAEDALUS_FUNCTIONS_FEED"
elif [ -f functions/Daedalus.Functions.csproj ] && dotnet restore functions/Daedalus.Functions.csproj -nologo -v quiet >/tmp/daedalus-functions-restore.log 2>&1; then
  dotnet build functions/Daedalus.Functions.csproj -c Release -nologo -v quiet -clp:ErrorsOnly --no-restore
  echo "functions/ built"
else
  echo "##########################################################################################"
  echo "## SKIPPED: functions/ was NOT built. The Azure Functions worker packages do not restore"
  echo "## from this machine's NuGet source (see /tmp/daedalus-functions-restore.log). It is built"
  echo "## by .github/workflows/ci.yml where nuget.org is reachable, or here with"
  echo "## DAEDALUS_FUNCTIONS_FEED=<folder of packed worker SDK packages>."
  echo "##########################################################################################"
fi

step "dotnet format (style and analyzers)"
dotnet format Daedalus.Local.slnf --verify-no-changes --no-restore -v quiet

step "tests (real PostgreSQL and Azurite, started by the tests)"
results=$(mktemp -d)
set +e
dotnet test Daedalus.Local.slnf -c Release --no-build -nologo --logger "trx;LogFilePrefix=daedalus" --results-directory "$results" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
set -e
# Test hosts that the runner kills never run their exit hooks: stop the clusters they started.
for data in "${TMPDIR:-/tmp}"/daedalus-tests/pg-*/data; do
  [ -f "$data/PG_VERSION" ] || continue
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  else pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1 || true; fi
done

for check in scripts/check-infra.sh scripts/check-docker.sh scripts/check-workflows.sh; do
  if [ -f "$check" ]; then
    step "$check"
    bash "$check"
  fi
done

passed=$(grep -ohE 'Passed: +[0-9]+' "$results/console.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -ohE 'Failed: +[0-9]+' "$results/console.log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -ohE 'Skipped: +[0-9]+' "$results/console.log" | awk '{s+=$2} END {print s+0}')
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
