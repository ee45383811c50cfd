#!/usr/bin/env bash
# First benchmark, one run against the real processes started by the launcher:
#  1. SubmitComplaint throughput and latency (p50/p99), closed loop, direct to Intake and through the gateway;
#     the acknowledgement delay of those bursts (includes the backlog they build);
#  2. the time from submit to acknowledgement delivered (p50/p99) at a steady rate below saturation;
#  3. the bytes a first visit to the portal's pages transfers with a cold cache (tools/page-weight.sh).
# Each burst follows 1,000 unmeasured submits: the first burst on a cold platform runs at half speed
# (JIT tiering, caches), which is a start-up effect, not the steady figure.
# Prints one line per measurement; record them in docs/BENCHMARKS.md.
#   usage: tools/bench.sh [count] [concurrency] [steady-rate-per-second] [steady-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."

count="${1:-2000}"
concurrency="${2:-16}"
rate="${3:-20}"
seconds="${4:-30}"
data="$(mktemp -d /tmp/complaints-bench.XXXXXX)"
base_port=15100
gateway_port=18080

dotnet build Complaints.sln -c Release -nologo -clp:ErrorsOnly >/dev/null

dotnet tools/Complaints.Launcher/bin/Release/net10.0/Complaints.Launcher.dll --no-build --data "$data" \
  --base-port "$base_port" --gateway-port "$gateway_port" >"$data/launcher.out" 2>&1 &
launcher=$!
cleanup() {
  # SIGTERM: a background job of a non-interactive shell ignores SIGINT.
  kill -TERM "$launcher" 2>/dev/null || true
  wait "$launcher" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

# Ready when the launcher says so: it has seen every process answer /health/ready.
for _ in $(seq 1 240); do
  grep -q "Press Ctrl+C to stop." "$data/launcher.out" && break
  kill -0 "$launcher" 2>/dev/null || break
  sleep 0.5
done
grep -q "Press Ctrl+C to stop." "$data/launcher.out" || { tail -50 "$data/launcher.out"; exit 1; }

# The acknowledgements are read from Notifications' internal feed with a service client's token (Insights', which reads feeds).
secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ServiceClients"]["insights"])' "$data/local-secrets.json")
loadgen=(dotnet tools/Complaints.LoadGen/bin/Release/net10.0/Complaints.LoadGen.dll
  --count "$count" --concurrency "$concurrency" --warmup 1000
  --token-url "http://127.0.0.1:$gateway_port/connect/token" --client-id insights --client-secret "$secret"
  --ack-feed "http://127.0.0.1:$((base_port + 3))")

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), dotnet $(dotnet --version)"
echo "command: tools/bench.sh $count $concurrency $rate $seconds"
"${loadgen[@]}" --label direct-intake --target "http://127.0.0.1:$((base_port + 1))"
"${loadgen[@]}" --label via-gateway --target "http://127.0.0.1:$((gateway_port + 1))"
"${loadgen[@]}" --label steady-via-gateway --target "http://127.0.0.1:$((gateway_port + 1))" \
  --count $((rate * seconds)) --rate "$rate" --warmup 0
# The complainant pages' first-visit weight (cold cache) through the gateway.
tools/page-weight.sh "http://127.0.0.1:$gateway_port" / /submit /follow
