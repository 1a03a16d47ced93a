# Sourced by scripts: make sure a Chromium exists for the web console's browser tests (playwright-core drives the
# system browser, it downloads none); install Debian's with apt-get if not. Exports CHROMIUM_PATH.
ensure_chromium() {
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then export CHROMIUM_PATH="$candidate"; return 0; fi
  done
  echo "Chromium not found; installing chromium with apt-get..." >&2
  if [ "$(id -u)" -ne 0 ]; then echo "run as root or install chromium yourself (or set CHROMIUM_PATH)" >&2; return 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
  if [ -x /usr/bin/chromium ]; then export CHROMIUM_PATH=/usr/bin/chromium; return 0; fi
  echo "chromium installed but /usr/bin/chromium not found" >&2
  return 1
}
