#!/usr/bin/env bash
# Ingest benchmark: split a >= 200 MB mbox and extract every patch, with
# rcureview and with git (mailsplit + mailinfo, the two halves of git am),
# on the same file in one run, and print the ratio rcureview / git.
#
# usage: bench/ingest.sh [SIZE_MB]    (default 200)
# Needs: go, git, ../shared/corpus (the mails the big mbox is built from).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB="${1:-200}"
CORPUS=../shared/corpus
[ -d "$CORPUS" ] || { echo "bench: $CORPUS not present" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

go build -o "$WORK/rcureview" ./cmd/rcureview

# One seed mbox: every corpus mail that is a single message or an mbox, each
# message behind a From_ line, bodies "From "-escaped (mboxrd) as lore does.
go run ./bench/mkmbox -corpus "$CORPUS" -size "$SIZE_MB" -out "$WORK/big.mbox"
ls -l "$WORK/big.mbox" | awk '{printf "bench: input %.1f MB\n", $5/1048576}'

now() { date +%s.%N; }

t0=$(now)
"$WORK/rcureview" extract --summary "$WORK/big.mbox" > "$WORK/ours.txt"
t1=$(now)

mkdir "$WORK/split"
t2=$(now)
n=$(git mailsplit --mboxrd -o"$WORK/split" "$WORK/big.mbox")
t3=$(now)
for f in "$WORK"/split/*; do
	git mailinfo -u "$WORK/msg" "$WORK/patch" < "$f" > /dev/null 2>&1 || true
done
t4=$(now)

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
ours=$(calc "$t1 - $t0")
gsplit=$(calc "$t3 - $t2")
gtotal=$(calc "$t4 - $t2")
echo "bench: rcureview extract: $(tail -1 "$WORK/ours.txt")"
printf 'bench: git mailsplit: %d messages in %.2fs; + mailinfo: %.2fs total\n' "$n" "$gsplit" "$gtotal"
printf 'bench: rcureview: %.2fs\n' "$ours"
printf 'bench: ratio rcureview/git (split+extract) = %.3f\n' "$(calc "$ours / $gtotal")"
printf 'bench: ratio rcureview/git-mailsplit (rcureview also parses and extracts) = %.3f\n' "$(calc "$ours / $gsplit")"
