#!/usr/bin/env bash
# The whole test suite. Installs what it needs (PostgreSQL server binaries, Azurite from npm, the Bicep
# compiler from NuGet, Chromium from apt and the web console's npm packages), builds the web console and the
# whole Daedalus.sln (functions/ included) with warnings as errors, checks formatting, runs the tests against a
# real PostgreSQL and Azurite that the tests start, and checks infra/, docker/ and .github/workflows/. Whatever happens, it leaves no process of its own running: the clusters and Azurites the tests
# started are stopped, and the build uses no long-lived build servers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-postgres.sh
. scripts/lib/ensure-chromium.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# No MSBuild node reuse, no compiler server, no MSBuild server: nothing outlives the script.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false

step() { printf '\n==> %s\n' "$*"; }

step "PostgreSQL server binaries"
ensure_postgres
command -v initdb

if [ -f tools/azurite/package-lock.json ]; then
  step "Azurite (pinned by tools/azurite/package-lock.json)"
  (cd tools/azurite && npm ci --no-audit --no-fund --loglevel=error)
fi

step "Chromium (the web console's browser tests drive it with playwright-core)"
ensure_chromium
echo "$CHROMIUM_PATH"

step "web console (pinned by console/package-lock.json; embedded in Daedalus.Core by the build)"
(cd console && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)

# Stops what the tests started, even when a step fails or the test host was killed (its exit hooks never ran):
# the PostgreSQL clusters under daedalus-tests/pg-*, and the Azurites whose pid files the tests wrote.
stop_test_services() {
  for data in "${TMPDIR:-/tmp}"/daedalus-tests/pg-*/data; do
    [ -f "$data/PG_VERSION" ] || continue
    # pg-<pid>: the test host that started it. Leave a live test host of another checkout alone (a second test run on
    # this machine); stop this checkout's and orphans.
    owner=${data%/data}; owner=${owner##*/pg-}
    if [ -r "/proc/$owner/cmdline" ] && ! tr '\0' ' ' <"/proc/$owner/cmdline" 2>/dev/null | grep -qF "$PWD/"; then continue; fi
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    else pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1 || true; fi
  done
  for pidfile in "${TMPDIR:-/tmp}"/daedalus-tests/azurite-*/azurite.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # Only a process these tests started: its command line runs this checkout's Azurite (through its watchdog,
    # which stops Azurite on TERM, and by itself once the test host is gone).
    if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$PWD/tools/azurite/"; then kill "$pid" 2>/dev/null || true; fi
    rm -f "$pidfile"
  done
}
trap stop_test_services EXIT

step "build Daedalus.sln, functions/ included (warnings are errors; NU1603 stays a warning)"
start=$(date +%s)
dotnet build Daedalus.sln -c Release -nologo -v quiet -clp:ErrorsOnly
echo "built in $(( $(date +%s) - start )) s"

step "dotnet format (style and analyzers)"
dotnet format Daedalus.sln --verify-no-changes --no-restore -v quiet

step "tests (real PostgreSQL and Azurite, started by the tests)"
results=$(mktemp -d)
set +e
dotnet test Daedalus.Local.slnf -c Release --no-build -nologo --filter "Category!=LargeFiles" --logger "trx;LogFilePrefix=daedalus" --results-directory "$results" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
set -e
stop_test_services

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
