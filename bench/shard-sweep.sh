#!/usr/bin/env bash
# Wall time of the Gadre testbed sweep (bench/sweeps/gadre.json: 3 training sets x 8 validation
# losses x 4 laws = 96 fits, each with a bootstrap) run unsharded, then as N shards started at once
# on this machine (as a job array's tasks would be), merged; checks the merged artifact equals the
# unsharded one, byte for byte without its timing lines (createdAt, elapsedMs).
# usage: bash bench/shard-sweep.sh [N=4] [WORKDIR=/tmp/lawfit-shard-sweep]   (needs npm run build)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-4}"
work="${2:-/tmp/lawfit-shard-sweep}"
cli="node $repo/dist/cli/main.js"
spec="$repo/bench/sweeps/gadre.json"
rm -rf "$work" && mkdir -p "$work/single" "$work/shards"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }

t0=$(now)
(cd "$work/single" && $cli sweep "$spec" --out sweep.json --quiet)
t1=$(now)
pids=()
for k in $(seq 0 $((n - 1))); do
  (cd "$work/shards" && $cli sweep "$spec" --out sweep.json --quiet --shard "$k/$n") & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
t2=$(now)
(cd "$work/shards" && $cli merge . --quiet)
t3=$(now)
$cli merge --status "$work/shards" | head -n 1
strip() { grep -Ev '^\s*"(createdAt|elapsedMs)": ' "$1"; }
if cmp -s <(strip "$work/single/sweep.json") <(strip "$work/shards/sweep.json"); then same=equal; else same=DIFFERENT; fi
combos=$(node -e "const a=JSON.parse(require('fs').readFileSync('$work/single/sweep.json'));console.log(a.combinations.length+' combinations, '+a.combinations.filter(c=>c.exitCode===0).length+' done')")
printf 'sweep %s: unsharded %.1f s; %d shards at once %.1f s + merge %.1f s; merged artifact %s to the unsharded one (%s bytes)\n' \
  "$combos" "$(secs "$t0" "$t1")" "$n" "$(secs "$t1" "$t2")" "$(secs "$t2" "$t3")" "$same" "$(wc -c < "$work/single/sweep.json")"
[ "$same" = equal ]
