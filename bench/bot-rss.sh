#!/usr/bin/env bash
# Resident memory of the bot daemon over many reviewed series: the bot runs
# on an mbox archive that grows by BATCH series at a time (each series a
# new file with an RCU reader plus a function appended to 6.12's
# kernel/rcu/update.c, then a patch putting a grace period in the reader);
# after each batch is answered the script prints the number of series
# reviewed, the bot's RSS (VmRSS) and its peak so far (VmHWM). A session whose memo grew with
# every series would show RSS rising with the count; it must stay flat.
#
# usage: bench/bot-rss.sh [SERIES] [BATCH] [EXTRA BOT FLAGS...]
#   e.g. bench/bot-rss.sh 1000 50 --tree "$RCUREVIEW_KERNEL_TREE"
#        RCUREVIEW=/path/to/other/rcureview bench/bot-rss.sh 200 50   (compare a build)
# KEEP=1 keeps the work directory (archive, state, outbox, bot.log).
# Needs: go, awk, Linux /proc.
set -euo pipefail
cd "$(dirname "$0")/.."
SERIES="${1:-1000}"
BATCH="${2:-50}"
shift 2 || shift $#
WORK="$(mktemp -d)"
BOT_PID=""
cleanup() {
	if [ -n "$BOT_PID" ]; then kill "$BOT_PID" 2>/dev/null || true; wait "$BOT_PID" 2>/dev/null || true; fi
	if [ -n "${KEEP:-}" ]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
BIN="${RCUREVIEW:-}"
if [ -z "$BIN" ]; then
	go build -o "$WORK/rcureview" ./cmd/rcureview
	BIN="$WORK/rcureview"
fi

# series FIRST COUNT: append COUNT two-patch series to the archive.
series() {
	awk -v first="$1" -v n="$2" 'BEGIN {
	for (i = first; i < first + n; i++) {
		f = sprintf("kernel/rcu/bench%d.c", i)
		for (k = 1; k <= 2; k++) {
			printf "From bench@x Thu Jan  1 00:00:00 1970\n"
			printf "From: Dev %d <dev%d@example.org>\nTo: rcu@vger.kernel.org\nList-Id: <rcu.vger.kernel.org>\n", i, i
			printf "Subject: [PATCH %d/2] rcu: bench series %d part %d\n", k, i, k
			printf "Message-ID: <bench-%d-%d@example.org>\n", i, k
			if (k == 2) printf "In-Reply-To: <bench-%d-1@example.org>\nReferences: <bench-%d-1@example.org>\n", i, i
			printf "Date: Mon, 1 Jan 2024 00:%02d:%02d +0000\n\n", (i / 60) % 60, i % 60
			printf "Part %d of bench series %d.\n\nSigned-off-by: Dev %d <dev%d@example.org>\n---\n", k, i, i, i
			printf "diff --git a/%s b/%s\n", f, f
			if (k == 1) {
				printf "new file mode 100644\n--- /dev/null\n+++ b/%s\n@@ -0,0 +1,13 @@\n", f
				printf "+#include <linux/rcupdate.h>\n+\n+struct bench%d { int __rcu *p; };\n+\n", i
				printf "+int bench%d_read(struct bench%d *b)\n+{\n+\tint v;\n+\n", i, i
				printf "+\trcu_read_lock();\n+\tv = *rcu_dereference(b->p);\n+\trcu_read_unlock();\n+\treturn v;\n+}\n"
				# and a function at the end of a file of the tree (linux 6.12)
				printf "diff --git a/kernel/rcu/update.c b/kernel/rcu/update.c\n--- a/kernel/rcu/update.c\n+++ b/kernel/rcu/update.c\n"
				printf "@@ -676,3 +676,8 @@ void __init rcupdate_announce_bootup_oddness(void)\n }\n \n #endif /* #ifndef CONFIG_TINY_RCU */\n"
				printf "+\n+void bench%d_sync(void)\n+{\n+\tsynchronize_rcu();\n+}\n", i
			} else {
				# a grace period inside the read-side section: a finding
				printf "--- a/%s\n+++ b/%s\n@@ -9,5 +9,6 @@ int bench%d_read(struct bench%d *b)\n", f, f, i, i
				printf " \trcu_read_lock();\n+\tsynchronize_rcu();\n \tv = *rcu_dereference(b->p);\n \trcu_read_unlock();\n \treturn v;\n }\n"
			}
			printf "\n"
		}
	} }' >> "$WORK/archive.mbox"
}

# reviewed: the series the bot settled (replied, quiet, unreviewable, …).
reviewed() {
	[ -f "$WORK/state.db.status" ] || { echo 0; return; }
	grep -o '"series:[a-z-]*": *[0-9]*' "$WORK/state.db.status" | awk -F: '{ s += $3 } END { print s + 0 }'
}

rss() { awk -v k="$1:" '$1 == k { printf "%d", $2 / 1024 }' "/proc/$BOT_PID/status"; }

: > "$WORK/archive.mbox"
series 0 "$BATCH"
mkdir -p "$WORK/outbox"/{new,cur,tmp}
"$BIN" bot --inbox "$WORK/archive.mbox" --state "$WORK/state.db" --init-state \
	--from "rcureview <bot@bench.example>" --outbox "$WORK/outbox" \
	--poll 1s --rate-list 0 --rate-thread 0 --state-backups 0 "$@" 2> "$WORK/bot.log" &
BOT_PID=$!
start=$(date +%s)
sent=$BATCH
while :; do
	n=$(reviewed)
	if ! kill -0 "$BOT_PID" 2>/dev/null; then
		echo "bench: the bot exited; its log:" >&2
		tail -20 "$WORK/bot.log" >&2
		exit 1
	fi
	if [ "$n" -ge "$sent" ]; then
		printf 'bench: %5d series reviewed  RSS %4d MiB  peak %4d MiB  %4ds\n' "$n" "$(rss VmRSS)" "$(rss VmHWM)" $(($(date +%s) - start))
		[ "$sent" -ge "$SERIES" ] && break
		series "$sent" "$BATCH"
		sent=$((sent + BATCH))
	fi
	sleep 1
done
echo "bench: replies written: $(ls "$WORK/outbox/new" | wc -l)"
