#!/usr/bin/env bash
# Runs every test of the platform and ends with one line "N passed, N failed, N skipped",
# summed over all test assemblies. Installs what the tests need (redis-server, the aiosmtpd SMTP server, Chromium for
# the browser tests) on Debian when missing.
set -uo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Release}"
results="${TEST_RESULTS_DIR:-artifacts/test-results}"

install_missing() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  # Korean glyphs for the pages' screenshots in artifacts/screenshots (Cyrillic comes with chromium's fonts).
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]} ..."
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

if ! install_missing; then
  echo "Could not install the test dependencies (redis-server, python3-aiosmtpd, chromium, fonts-noto-cjk)."
  echo "0 passed, 1 failed"
  exit 1
fi

if ! dotnet build Complaints.sln -c "$configuration" -nologo -clp:ErrorsOnly; then
  echo "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

rm -rf "$results" && mkdir -p "$results"

# The style the .editorconfig declares (the build enforces its warnings; this adds whitespace and imports).
style_failed=0
if ! dotnet format Complaints.sln --verify-no-changes --no-restore >"$results/format.log" 2>&1; then
  echo "dotnet format --verify-no-changes found code that is not formatted (run 'dotnet format Complaints.sln'):"
  head -n 20 "$results/format.log"
  style_failed=1
fi
log="$results/dotnet-test.log"
# Test assemblies run in parallel (one per core); each starts its own servers on free ports.
dotnet test Complaints.sln -c "$configuration" --no-build -nologo --logger "trx" --results-directory "$results" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per assembly: "Passed!  - Failed:     0, Passed:    57, Skipped:     0, Total:    57, ..."
read -r passed failed skipped assemblies < <(
  grep -E '^\s*(Passed|Failed)!\s+-\s+Failed:' "$log" | sed -E 's/.*Failed:\s*([0-9]+), Passed:\s*([0-9]+), Skipped:\s*([0-9]+).*/\2 \1 \3/' |
    awk '{p+=$1; f+=$2; s+=$3; n++} END {printf "%d %d %d %d\n", p, f, s, n}')

expected=$(ls tests/*/*.Tests.csproj | wc -l)
if [ "$assemblies" -lt "$expected" ]; then
  echo "Only $assemblies of $expected test assemblies reported results."
  failed=$((failed + expected - assemblies))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status."
  failed=1
fi

failed=$((failed + style_failed))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
