#!/usr/bin/env bash
# Bot throughput: series reviewed per second on an archive of SERIES
# independent two-patch series (those of bench/bot-rss.sh: a new RCU
# reader and a function appended to 6.12's kernel/rcu/update.c, then a
# grace period put in the reader), one `bot --once` pass over the whole
# archive against the real tree with a warm index, with --workers 1 and
# with --workers N (default: the number of CPUs) in the same run. The
# replies of both runs must be the same.
#
# usage: bench/bot-throughput.sh [SERIES] [N] [EXTRA BOT FLAGS...]
#   default 1000 series, --tree "$RCUREVIEW_KERNEL_TREE" when no
#   --tree/--git is given. KEEP=1 keeps the work directory.
# The machine's load is printed: on a shared machine only the ratio of
# the two runs, made in the same minutes, means much.
# Needs: go, awk.
set -euo pipefail
cd "$(dirname "$0")/.."
SERIES="${1:-1000}"
N="${2:-$(nproc)}"
shift 2 || shift $#
EXTRA=("$@")
if ! printf '%s\n' "${EXTRA[@]}" | grep -q -- '^--\(tree\|git\)$'; then
	[ -n "${RCUREVIEW_KERNEL_TREE:-}" ] || { echo "bench: give --tree/--git or set RCUREVIEW_KERNEL_TREE" >&2; exit 2; }
	EXTRA+=(--tree "$RCUREVIEW_KERNEL_TREE")
fi
WORK="$(mktemp -d)"
trap 'if [ -n "${KEEP:-}" ]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi' EXIT
go build -o "$WORK/rcureview" ./cmd/rcureview
# the series generator of bench/bot-rss.sh
eval "$(sed -n '/^series() {/,/^}/p' bench/bot-rss.sh)"
: > "$WORK/archive.mbox"
series 0 "$SERIES"
echo "bench: $(date -u +%FT%TZ) $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $SERIES series, $(grep -c '^From bench@x' "$WORK/archive.mbox") mails"
# warm the index (the tree's pack; built when missing)
"$WORK/rcureview" index "${EXTRA[@]}" > /dev/null

run() { # run WORKERS: one pass; prints series/s
	local w=$1 d="$WORK/w$1"
	mkdir -p "$d/outbox"/{new,cur,tmp}
	local start end
	start=$(date +%s.%N)
	"$WORK/rcureview" bot --once --inbox "$WORK/archive.mbox" --state "$d/state.db" --init-state \
		--from "rcureview <bot@bench.example>" --outbox "$d/outbox" --rate-list 0 --rate-thread 0 \
		--state-backups 0 --workers "$w" "${EXTRA[@]}" 2> "$d/bot.log" || { tail -20 "$d/bot.log" >&2; exit 1; }
	end=$(date +%s.%N)
	local replies
	replies=$(ls "$d/outbox/new" | wc -l)
	awk -v s="$SERIES" -v t0="$start" -v t1="$end" -v w="$w" -v r="$replies" \
		'BEGIN { printf "bench: --workers %-2d %6.1fs  %6.2f series/s  (%d replies)\n", w, t1 - t0, s / (t1 - t0), r }' | tee "$d/rate"
}
run 1
run "$N"
# the same replies, whatever the concurrency (bodies without their dates)
digest() { cat "$WORK/w$1"/outbox/new/* | grep -v '^Date:' | sort | md5sum | cut -d' ' -f1; }
if [ "$(digest 1)" = "$(digest "$N")" ]; then echo "bench: replies identical"; else echo "bench: REPLIES DIFFER between --workers 1 and $N" >&2; exit 1; fi
awk '{ print $5 }' "$WORK/w1/rate" "$WORK/w$N/rate" | paste -sd' ' | awk -v n="$N" '{ printf "bench: series/s --workers %d / --workers 1 = %.2f\n", n, $2 / $1 }'
