#!/usr/bin/env bash
# bench/model.sh: speed of the embedded RCU model (rcumodel).
#  1. explores every embedded scenario (go test -bench BenchmarkScenarios):
#     time per scenario and states per second; target < 1 s each;
#  2. checks scenario V3 with spin's compiled verifier on a Promela
#     transcription at the same abstraction (bench/model-v3.pml), both the
#     failing (notrace) and the fixed variant (pan -a -f -w12: weak fairness,
#     a hash table sized for these tiny models), and prints the time ratio
#     rcumodel / spin (verifier run only, and including spin -a + cc).
# Needs go; spin (Debian package "spin") is installed when missing and we
# are root, else part 2 is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-50}

echo "== rcumodel: embedded scenarios"
out=$(go test -run '^$' -bench 'BenchmarkScenarios' -benchtime 3x ./rcumodel)
echo "$out" | awk '/^BenchmarkScenarios\//{
	name=$1; sub("BenchmarkScenarios/","",name); sub("-[0-9]+$","",name);
	printf "%-42s %10.2f ms %8d states %10.0f states/s\n", name, $3/1e6, $5, $7
	if ($3 > worst) { worst = $3; wname = name } }
	END { printf "worst: %s %.2f ms (target < 1000 ms)\n", wname, worst/1e6 }'

# 3. a scenario whose state space is far larger than the default bound:
#    exploring stops at the bound with "no verdict" (exit 3); print the time
#    and the peak resident memory (issue: must stay under 1 GiB).
big=$(mktemp -d)
{
	echo "scenario hostile"; echo "object a published"; echo "object b published"
	for tc in T1:0 T2:1 T3:2 T4:0; do
		echo "task ${tc%:*} cpu=${tc#*:}"
		for _ in $(seq 20); do printf '    rcu_read_lock\n    deref a\n    rcu_read_unlock\n'; done
		echo "    synchronize_rcu"
	done
	for c in 0 1 2; do printf 'irq cpu=%d count=3\n    rcu_read_lock\n    deref b\n    rcu_read_unlock\n' "$c"; done
} > "$big/hostile.rcu"
go build -o "$big/rcureview" ./cmd/rcureview
echo "== default bound on a hostile scenario ($(wc -c < "$big/hostile.rcu") bytes)"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f "   %e s, max RSS %M KiB" "$big/rcureview" model check "$big/hostile.rcu" 2>&1 | grep -E "bound|RSS" || true
else
	"$big/rcureview" model check "$big/hostile.rcu" | grep bound || true
fi
rm -rf "$big"

if ! command -v spin >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		apt-get install -y spin >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y spin >/dev/null 2>&1; } || true
	fi
fi
if ! command -v spin >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
	echo "== spin or cc not available: skipping the spin comparison"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp bench/model-v3.pml "$tmp/"
now() { date +%s.%N; }
echo "== spin $(spin -V | awk "{print \$3}") vs rcumodel on V3 ($N runs each)"
for variant in "1 V3-exp-ipi-notrace-nohz" "0 V3-exp-ipi-unlock"; do
	set -- $variant
	notrace=$1 scen=$2
	t0=$(now)
	(cd "$tmp" && spin -DNOTRACE="$notrace" -a model-v3.pml >/dev/null && cc -O2 -o "pan$notrace" pan.c)
	t1=$(now)
	res=$(cd "$tmp" && "./pan$notrace" -a -f -w12 2>&1)
	for _ in $(seq "$N"); do (cd "$tmp" && "./pan$notrace" -a -f -w12 >/dev/null 2>&1 || true); done
	t2=$(now)
	spin_run=$(echo "($t2 - $t1) / ($N + 1)" | bc -l)
	spin_build=$(echo "$t1 - $t0" | bc -l)
	verdict=holds
	echo "$res" | grep -q "acceptance cycle" && verdict=violated
	states=$(echo "$res" | awk '/states, stored/{print $1; exit}')
	ns=$(go test -run '^$' -bench "BenchmarkScenarios/$scen\$" -benchtime "${N}x" ./rcumodel | awk '/^BenchmarkScenarios\//{print $3}')
	ours=$(echo "$ns / 1000000000" | bc -l)
	printf "%-28s spin: L1 %-8s %4s states %8.4f s/run (+%.2f s spin -a, cc)\n" "$scen" "$verdict" "$states" "$spin_run" "$spin_build"
	printf "%-28s rcumodel %8.4f s/run   ratio rcumodel/spin: %.2f run only, %.3f incl. build\n" "" "$ours" \
		"$(echo "$ours / $spin_run" | bc -l)" "$(echo "$ours / ($spin_run + $spin_build)" | bc -l)"
done
