#!/usr/bin/env bash
# bench/review-model.sh: warm review of patches that trigger RCU model
# checks (issue 5). A "warm" review has the base tree's index loaded (as a
# long-running bot, or every patch after the first of a series); per patch
# it applies the patch, re-indexes the changed files, computes effect
# summaries before and after, runs the model scenarios and the section
# walks. Target: under 1 s per patch including the model runs.
#
# Prints ms per patch for each sample patch, for
#   rcu: the analyzers of issue 5 (rcumodel, rcuusage, rcuflavor);
#   all: the CLI's full registry (adds notrace and noinstr);
# then the cold end-to-end time of one CLI run (index load included).
# Needs the real tree: RCUREVIEW_KERNEL_TREE (default: the CI location).
set -euo pipefail
cd "$(dirname "$0")/.."
export RCUREVIEW_KERNEL_TREE=${RCUREVIEW_KERNEL_TREE:-/root/.cache/rcureview/linux-source-6.12}
N=${N:-5}
if [ ! -d "$RCUREVIEW_KERNEL_TREE" ]; then
	echo "no kernel tree at $RCUREVIEW_KERNEL_TREE (set RCUREVIEW_KERNEL_TREE)" >&2
	exit 2
fi

echo "== warm review, ms per patch (mean of $N runs; index already loaded)"
out=$(go test -run '^$' -bench 'BenchmarkReviewModel' -benchtime "${N}x" ./analyzers/rcumodelcheck)
echo "$out" | awk '/^BenchmarkReviewModel\//{
	name=$1; sub("BenchmarkReviewModel/","",name); sub("-[0-9]+$","",name);
	for (i = 1; i <= NF; i++) if ($i == "ms/patch") ms = $(i-1);
	flag = (ms + 0 < 1000) ? "ok (< 1 s)" : "OVER 1 s";
	printf "%-52s %10.1f ms/patch  %s\n", name, ms, flag }'

echo "== cold CLI run (process start, index load from the cache, review, model)"
bin=$(mktemp -d)/rcureview
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/rcureview
for m in analyzers/rcumodelcheck/testdata/notrace-unlock-nesting-only.mbox analyzers/rcumodelcheck/testdata/handler-rearm-then-fix.mbox; do
	t0=$(date +%s.%N)
	"$bin" review --tree "$RCUREVIEW_KERNEL_TREE" --format json "$m" >/dev/null || true
	t1=$(date +%s.%N)
	printf "%-52s %10.1f ms total\n" "$(basename "$m")" "$(echo "($t1 - $t0) * 1000" | bc -l)"
done
