#!/usr/bin/env bash
# bench/litmus.sh: total time of issue 4's V0 sweep — "rcureview model
# litmus" over every RCU-using C test of ../shared/litmus/INDEX.tsv (and,
# for comparison, over every C test), under sequential consistency plus the
# RCU grace-period guarantee (package rcumodel/litmus). Target: < 60 s on
# this 2-core machine. Prints the counts and the wall time of each sweep.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/litmus}
if [ ! -f "$CORPUS/INDEX.tsv" ]; then
	echo "litmus corpus not present: $CORPUS" >&2
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/rcureview" ./cmd/rcureview
now() { date +%s.%N; }
for mode in "RCU C tests (V0):--index" "all C tests:--index --all"; do
	label=${mode%%:*} flags=${mode#*:}
	t0=$(now)
	status=0
	"$tmp/rcureview" model litmus $flags "$CORPUS" >"$tmp/out" || status=$?
	t1=$(now)
	echo "== $label"
	sed -n '/^tests /,$p' "$tmp/out" | grep -v '^time '
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "wall time %.2f s (target < 60 s)\n", b - a }'
	[ "$status" = 0 ] || echo "exit status $status: a test expected Never came out otherwise"
done
