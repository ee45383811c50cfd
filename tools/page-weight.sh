#!/usr/bin/env bash
# Bytes a first visit with a cold cache transfers for a portal page: the page and every stylesheet, script, icon and
# manifest it references, each as a browser asks for it (Accept-Encoding: br, gzip), headers included.
# Prints one line per page: "page-weight <path>: <bytes> bytes (<KB> KB) in <n> requests".
#   usage: tools/page-weight.sh [portal-url] [path ...]   (default http://127.0.0.1:8080 /submit /follow)
set -euo pipefail

base="${1:-http://127.0.0.1:8080}"
shift || true
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(/submit /follow)
base="${base%/}"

# Transferred bytes (headers + body as sent) of one GET; the body goes to $2 when given.
transfer() {
  curl -s -H 'Accept-Encoding: br, gzip' -H 'Accept-Language: en' -o "${2:-/dev/null}" \
    -w '%{size_header} %{size_download} %{http_code}\n' "$base$1"
}

for path in "${paths[@]}"; do
  page="$(mktemp)"
  read -r header body code < <(transfer "$path" "$page")
  [ "$code" = 200 ] || { echo "page-weight $path: HTTP $code" >&2; exit 1; }
  total=$((header + body))
  requests=1
  # Same-origin assets the page references (absolute paths): stylesheets, scripts, icons, the manifest.
  for asset in $(grep -oE '<(link|script)[^>]+(href|src)="/[^"/][^"]*"' "$page" | grep -oE '(href|src)="/[^"]*"' | cut -d'"' -f2 | sort -u); do
    read -r header body code < <(transfer "$asset")
    [ "$code" = 200 ] || { echo "page-weight $path: $asset HTTP $code" >&2; exit 1; }
    total=$((total + header + body))
    requests=$((requests + 1))
  done
  rm -f "$page"
  echo "page-weight $path: $total bytes ($((total / 1024)) KB) in $requests requests"
done
