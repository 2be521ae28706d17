#!/usr/bin/env bash
# Peak memory of "rcureview review" on the hostile mailboxes of issue 12,
# generated here (never committed): 3.5 million tiny mails without a patch
# in a .mbox.gz, 50,000 one-line patches, one 60 MB patch, and a patch just
# under the default 2 MiB budget with one C token per byte (the costliest
# diff per byte). Prints each run's peak RSS (GNU time's maximum resident
# set size), CPU time and exit status. The bound is 512 MiB.
#
# usage: bench/hostile-memory.sh [EXTRA REVIEW FLAGS...]
#   e.g. bench/hostile-memory.sh --tree "$RCUREVIEW_KERNEL_TREE"
#        bench/hostile-memory.sh --max-patches 50000
# Needs: go, awk, gzip, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "bench: needs GNU time at /usr/bin/time" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
go build -o "$WORK/rcureview" ./cmd/rcureview

awk 'BEGIN { for (i = 0; i < 3500000; i++)
	printf "From x@z Thu Jan  1 00:00:00 1970\nFrom: a@b.example\nSubject: hi\nMessage-ID: <%d@x>\n\nhello\n\n", i }' |
	gzip -9 > "$WORK/tiny.mbox.gz"
awk 'BEGIN { for (i = 0; i < 50000; i++) {
	printf "From x@z Thu Jan  1 00:00:00 1970\nFrom: Dev <dev@example.org>\nSubject: [PATCH] rcu: change %d\n", i
	printf "Message-ID: <p%d@x>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nFix.\n\nSigned-off-by: Dev <dev@example.org>\n---\n", i
	printf "diff --git a/kernel/rcu/f%d.c b/kernel/rcu/f%d.c\n--- a/kernel/rcu/f%d.c\n+++ b/kernel/rcu/f%d.c\n@@ -1 +1 @@\n-a\n+b\n\n", i, i, i, i } }' \
	> "$WORK/patches50k.mbox"
bigpatch() { # FILE MB LINE
	awk -v mb="$2" -v line="$3" 'BEGIN {
		n = int(mb * 1048576 / (length(line) + 1))
		printf "From x@z Thu Jan  1 00:00:00 1970\nFrom: Dev <dev@example.org>\nSubject: [PATCH] rcu: huge\nMessage-ID: <big@x>\n"
		printf "Date: Mon, 1 Jan 2024 00:00:00 +0000\n\nFix.\n---\ndiff --git a/kernel/rcu/big.c b/kernel/rcu/big.c\nnew file mode 100644\n"
		printf "--- /dev/null\n+++ b/kernel/rcu/big.c\n@@ -0,0 +1,%d @@\n", n
		for (i = 0; i < n; i++) print line }' > "$1"
}
bigpatch "$WORK/big60.mbox" 60 '+	x = rcu_dereference(p); /* a line of a large new file */'
bigpatch "$WORK/dense2.mbox" 1.99 '+a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r;s;t;u;v;w;x;y;z;'

for f in tiny.mbox.gz patches50k.mbox big60.mbox dense2.mbox; do
	/usr/bin/time -f "%M %U %S %x" -o "$WORK/time" "$WORK/rcureview" review --format json "$@" "$WORK/$f" > /dev/null 2>&1 || true
	# GNU time writes "Command exited with non-zero status N" first then.
	tail -n 1 "$WORK/time" | awk -v f="$f" '{ printf "bench: %-16s peak RSS %5d MiB  cpu %6.1f s  exit %s\n", f, $1 / 1024, $2 + $3, $4 }'

done
