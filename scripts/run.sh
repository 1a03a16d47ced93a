#!/usr/bin/env bash
# The main job: build, start (or reuse) the embedded PostgreSQL under .daedalus/, apply config/daedalus.yaml
# and sync every enabled source (the sample source: 100k customers + 200k invoices). Safe to run again:
# the second run is incremental and reads only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-postgres.sh
. scripts/lib/build-progress.sh
ensure_postgres

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "==> building the daedalus CLI (the first build restores packages and takes a few minutes)"
build_with_progress building dotnet build cli/Daedalus.Cli -c Release -o artifacts/cli
daedalus=artifacts/cli/daedalus

echo "==> applying config/daedalus.yaml"
"$daedalus" sources apply config/daedalus.yaml ${DAEDALUS_ENVIRONMENT:+--environment "$DAEDALUS_ENVIRONMENT"}
echo "==> daedalus sync"
"$daedalus" sync "$@"
