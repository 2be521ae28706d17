#!/usr/bin/env bash
# bench/litmus.sh: "rcureview model litmus" against herd7 on the same C
# litmus tests, in one run: each tool checks each test in its own process
# (both print herd7's output), the script checks that the outputs agree,
# and prints both throughputs, their ratio (target: rcureview >= 10x) and
# the test where rcureview is slowest relative to herd7 (target: never
# slower); then, with BATCH=1 (the default), the throughput of each tool
# checking all those tests in one process.
#
# usage: HERD7=/path/to/herd7 HERD7_LIBDIR=/path/to/herdtools7/herd/libdir \
#        bench/litmus.sh [FILE|DIR...]
#
# Times are CPU times (user + system) of each process, as the shell's
# "time" measures them: on a machine shared with other jobs, wall time
# measures the others as much as the tools. Wall times are printed too.
# Both tools run the same way: in a subshell with a CPU-time limit, no
# other process around them; a test that takes either tool less than a second of CPU is run
# REPEAT times (default 3) and the least CPU time kept, so that a short
# test's ratio measures the tools rather than the other jobs.
#
# Without arguments the tests are those of ../shared/litmus that have a
# herd7 verdict (HERD7-RESULTS.tsv) or a herd-generated result (INDEX.tsv).
# herd7 runs from tools/memory-model of $RCUREVIEW_KERNEL_TREE (for
# linux-kernel.cfg); each run is cut at $HERD7_TIMEOUT seconds of CPU
# (default 300), and such tests are left out of the ratio. Without HERD7
# the script times rcureview alone and says so. No herd7 is built or
# fetched here.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
# The corpus is shared/litmus next to the module root, or one directory
# further up (from a worktree), as the Go tests find it.
if [ -z "${CORPUS:-}" ]; then
	CORPUS=../shared/litmus
	[ -f "$CORPUS/INDEX.tsv" ] || [ ! -f ../../shared/litmus/INDEX.tsv ] || CORPUS=../../shared/litmus
fi
TIMEOUT=${HERD7_TIMEOUT:-300}
tmp=$(mktemp -d)
# BENCH_TIMES=FILE keeps the per-test table (our CPU s, herd7 CPU s, same,
# path, our wall s, herd7 wall s).
trap '[ -z "${BENCH_TIMES:-}" ] || cp "$tmp/times" "$BENCH_TIMES" 2>/dev/null; rm -rf "$tmp"' EXIT

files=()
if [ $# -gt 0 ]; then
	for a in "$@"; do
		if [ -d "$a" ]; then
			while IFS= read -r f; do files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done < <(find "$a" -name '*.litmus' | sort)
		else
			files+=("$(cd "$(dirname "$a")" && pwd)/$(basename "$a")")
		fi
	done
else
	if [ ! -f "$CORPUS/INDEX.tsv" ]; then
		echo "bench: litmus corpus not present: $CORPUS" >&2
		exit 0
	fi
	root=$(cd "$CORPUS" && pwd)
	while IFS= read -r p; do files+=("$root/$p"); done < <(
		{ tail -n +2 "$CORPUS/HERD7-RESULTS.tsv" | awk -F'\t' '$3 != "TIMEOUT" {print $1}'
		  tail -n +2 "$CORPUS/INDEX.tsv" | awk -F'\t' '$3 ~ /^herd:/ {print $1}'; } | sort -u)
fi
echo "bench: ${#files[@]} tests"

# A static binary, as Go command-line tools are released: with cgo (only
# net and os/user would use it) every process also pays for the dynamic
# loader and libc's thread start, about a third of a small test's time.
CGO_ENABLED=0 go build -o "$tmp/rcureview" ./cmd/rcureview

herd=""
if [ -n "${HERD7:-}" ] && [ -x "$HERD7" ]; then
	tree=${RCUREVIEW_KERNEL_TREE:-}
	if [ -z "$tree" ] || [ ! -f "$tree/tools/memory-model/linux-kernel.cfg" ]; then
		echo "bench: RCUREVIEW_KERNEL_TREE must point at a kernel tree with tools/memory-model (for linux-kernel.cfg); skipping herd7" >&2
	elif [ -z "${HERD7_LIBDIR:-}" ] || [ ! -d "$HERD7_LIBDIR" ]; then
		echo "bench: HERD7_LIBDIR must point at herdtools7's herd/libdir; skipping herd7" >&2
	else
		herd=$HERD7
	fi
else
	echo "bench: HERD7 not set (or not executable): timing rcureview alone" >&2
fi

TIMEFORMAT='%3R %3U %3S'
# run DIR OUT CMD... runs CMD in DIR with a CPU-time limit of $TIMEOUT
# seconds (ulimit -t in a subshell: no timeout(1) process, whose own
# start-up would be timed too; the same for both tools), output to OUT; it
# leaves "wall cpu" in $t and the exit status in $rc (152 or 137: the limit
# was reached).
run() {
	local dir=$1 out=$2
	shift 2
	local tf=$tmp/time
	rc=0
	cd "$dir"
	{ time (ulimit -t "$TIMEOUT"; "$@" >"$out" 2>&1) ; } 2>"$tf" || rc=$?
	cd "$OLDPWD"
	t=$(tail -n 1 "$tf" | awk '{ printf "%s %.3f", $1, $2 + $3 }')
}
# best DIR OUT CMD... runs CMD once, and when it took less than a second of
# CPU, $REPEAT-1 more times (default 3 runs in all), keeping the least CPU
# time: on a machine shared with other jobs the least is the one least
# disturbed by them. It leaves "wall cpu" in $t and the first exit status
# in $rc.
best() {
	run "$@"
	local first=$rc bt=$t k
	if awk -v c="${t#* }" 'BEGIN { exit !(c < 1) }'; then
		for ((k = 1; k < ${REPEAT:-3}; k++)); do
			run "$@"
			if awk -v a="${t#* }" -v b="${bt#* }" 'BEGIN { exit !(a < b) }'; then bt=$t; fi
		done
	fi
	rc=$first
	t=$bt
}
# strip keeps herd7's result lines, not its Time/Hash lines or warnings.
strip() { grep -v -e '^Time ' -e '^Hash=' -e '^Warning' -e '^$' "$1" || true; }

: >"$tmp/times"
for f in "${files[@]}"; do
	best "$top" "$tmp/ours.out" "$tmp/rcureview" model litmus "$f"
	read -r ow ot <<<"$t"
	ht="-"
	hw="-"
	same="-"
	if [ -n "$herd" ]; then
		best "$tree/tools/memory-model" "$tmp/herd.out" "$herd" -set-libdir "$HERD7_LIBDIR" -conf linux-kernel.cfg "$f"
		read -r hw ht <<<"$t"
		if [ "$rc" = 152 ] || [ "$rc" = 137 ]; then
			ht="timeout"
		elif [ "$rc" = 0 ] && grep -q '^Observation' "$tmp/herd.out"; then
			if cmp -s <(strip "$tmp/herd.out") <(strip "$tmp/ours.out"); then same=same; else same=DIFF; fi
		else
			same=herd-error
		fi
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$ot" "$ht" "$same" "$f" "$ow" "$hw" >>"$tmp/times"
	if [ "$same" = DIFF ]; then echo "bench: output differs from herd7's: $f" >&2; fi
done

awk -F'\t' -v herd="$herd" '
function max(a, b) { return a > b ? a : b }
{ ours += $1; oursw += $5; n++ }
$2 != "-" && $2 != "timeout" {
	h += $2; hw += $6; o += $1; ow += $5; m++
	# CPU times are counted in milliseconds; a 1 ms floor keeps the
	# ratio of two near-instant runs meaningful.
	r = max($1, 0.001) / max($2, 0.001)
	if (r > worst) { worst = r; wf = $4; wo = $1; wh = $2 }
}
$2 == "timeout" { to++ }
$3 == "same" { same++ } $3 == "DIFF" { diff++ } $3 == "herd-error" { herr++ }
END {
	printf "rcureview: %d tests in %.2f s CPU (%.2f s wall), %.1f tests per CPU second\n", n, ours, oursw, n / max(ours, 0.001)
	if (herd == "") exit
	printf "herd7:     %d tests in %.2f s CPU (%.2f s wall), %.2f tests per CPU second (%d timed out, left out)\n", m, h, hw, m / max(h, 0.001), to
	printf "ratio (throughput rcureview / herd7 on the same %d tests): %.1fx CPU, %.1fx wall\n", m, h / max(o, 0.001), hw / max(ow, 0.001)
	printf "outputs: %d identical, %d different, %d rejected by herd7\n", same, diff, herr
	printf "slowest relative to herd7: %.3fx of herd7 CPU time (%.3f s vs %.3f s): %s\n", worst, wo, wh, wf
}' "$tmp/times"

# Corpus throughput: each tool checks all the tests above that herd7
# finished in one process (both take many files), so that start-up is paid
# once, as when a corpus is checked. herd7 skips a test whose name it has
# already seen in the run, so only the first file of each test name is
# given to both.
if [ -n "$herd" ] && [ "${BATCH:-1}" = 1 ]; then
	batch=()
	declare -A seen=()
	while IFS=$'\t' read -r _ ht _ f _; do
		[ "$ht" = timeout ] && continue
		name=$(awk 'NF { print $2; exit }' "$f")
		[ -n "${seen[$name]:-}" ] && continue
		seen[$name]=1
		batch+=("$f")
	done <"$tmp/times"
	TIMEOUT=$((TIMEOUT * ${#batch[@]}))
	run "$top" "$tmp/ours-batch.out" "$tmp/rcureview" model litmus "${batch[@]}"
	read -r bow bot <<<"$t"
	run "$tree/tools/memory-model" "$tmp/herd-batch.out" "$herd" -set-libdir "$HERD7_LIBDIR" -conf linux-kernel.cfg "${batch[@]}"
	read -r bhw bht <<<"$t"
	no=$(grep -c '^Observation' "$tmp/ours-batch.out" || true)
	nh=$(grep -c '^Observation' "$tmp/herd-batch.out" || true)
	awk -v n="${#batch[@]}" -v o="$bot" -v h="$bht" -v ow="$bow" -v hw="$bhw" -v no="$no" -v nh="$nh" 'BEGIN {
		printf "one process per tool over %d tests (distinct names): rcureview %.2f s CPU (%d observations), herd7 %.2f s CPU (%d observations): %.1fx CPU, %.1fx wall\n", n, o, no, h, nh, h / (o > 0.001 ? o : 0.001), hw / (ow > 0.001 ? ow : 0.001)
	}'
fi
