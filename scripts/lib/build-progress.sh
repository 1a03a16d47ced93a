# build_with_progress LABEL CMD...: runs a (long) build showing each project as it finishes and, every 20 seconds
# without output, how long it has been going, so a first run (package restore, a few minutes of compiling on a
# small machine) is never silent. The build's own output is kept in a log shown when it fails.
build_with_progress() {
  local label=$1; shift
  local log; log=$(mktemp)
  local started=$SECONDS
  "$@" -v minimal -nologo -clp:NoSummary >"$log" 2>&1 &
  local pid=$! shown=0 last=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    sleep 2
    local lines; lines=$(wc -l <"$log")
    if (( lines > shown )); then
      # "Restored …" and "Project -> output" lines: the steps a first run goes through.
      sed -n "$((shown + 1)),${lines}p" "$log" | grep -E ' -> |Restored |Determining projects' | sed -E 's#^ *#    #; s# -> .*# built#' || true
      shown=$lines; last=$SECONDS
    elif (( SECONDS - last >= 20 )); then
      echo "    ... still ${label} ($(( SECONDS - started ))s so far; the first build compiles every project)"
      last=$SECONDS
    fi
  done
  if ! wait "$pid"; then
    echo "    build failed; its output:" >&2
    grep -E 'error|warning' "$log" >&2 || cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  echo "    done in $(( SECONDS - started ))s"
  rm -f "$log"
}
