#!/usr/bin/env bash
# Index and review benchmark on the real linux-source-6.12 tree, in one run:
#   1. cold full-tree index: rcureview index vs ctags -R (universal-ctags)
#      and cscope -b -q -k -R, with peak RSS;
#   2. warm review of a one-patch mbox: rcureview review --tree vs
#      scripts/checkpatch.pl on the same patch.
# Prints wall times, peak RSS and the ratios rcureview / peer.
#
# usage: bench/index.sh [TREE]   (default $RCUREVIEW_KERNEL_TREE)
# Needs: go, universal-ctags, cscope, GNU time, perl
# (apt-get install universal-ctags cscope time).
set -euo pipefail
cd "$(dirname "$0")/.."
TREE="${1:-${RCUREVIEW_KERNEL_TREE:-}}"
[ -n "$TREE" ] && [ -f "$TREE/MAINTAINERS" ] || { echo "bench: give a linux tree (arg or RCUREVIEW_KERNEL_TREE)" >&2; exit 2; }
for t in ctags cscope /usr/bin/time perl; do
	command -v "$t" >/dev/null || { echo "bench: $t missing (apt-get install universal-ctags cscope time)" >&2; exit 2; }
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
go build -o "$WORK/rcureview" ./cmd/rcureview

# measure NAME CMD...: runs CMD under GNU time, records wall seconds and
# peak RSS (KiB) in $WORK/NAME.{wall,rss}.
measure() {
	local name=$1; shift
	/usr/bin/time -f '%e %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || true
	read -r wall rss < <(tail -n 1 "$WORK/$name.time") # GNU time adds a line when CMD exits non-zero
	echo "$wall" > "$WORK/$name.wall"; echo "$rss" > "$WORK/$name.rss"
	printf 'bench: %-22s %8.2fs  peak RSS %7.0f MiB\n' "$name" "$wall" "$(awk "BEGIN{print $rss/1024}")"
}
ratio() { awk "BEGIN { printf \"%.3f\", $(cat "$WORK/$1.wall") / $(cat "$WORK/$2.wall") }"; }

# Warm the page cache so every tool reads the tree from memory.
find "$TREE" -type f \( -name '*.[ch]' -o -name Makefile -o -name Kbuild \) -print0 | xargs -0 cat > /dev/null

# rcureview keeps its cache in the user cache dir; point it at a fresh one.
export XDG_CACHE_HOME="$WORK/xdg"
measure rcureview-index-cold "$WORK/rcureview" index --tree "$TREE"
# The RCU protection map: its facts are skimmed with the index (their share
# of the skim: go test ./ksrc/index -run X -bench SkimRCUFacts); the
# whole-tree check on the warm index, every location's readers against its
# retire paths, under Debian's amd64 configuration when it is installed.
CONFIG=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
[ -f "$CONFIG" ] || CONFIG=""
measure rcureview-rcu-map-all "$WORK/rcureview" rcu-map --tree "$TREE" ${CONFIG:+--config "$CONFIG"} --all
tail -n 2 "$WORK/rcureview-rcu-map-all.out" | sed 's/^/bench: rcu-map: /'
measure ctags                ctags -R -f "$WORK/tags" "$TREE"
(cd "$TREE" && measure cscope cscope -b -q -k -R -f "$WORK/cscope.out")

# A one-patch mbox: the first patch of the sample series.
awk '/^From 1111111111111111111111111111111111111111/{p=1} /^From 2222222222222222222222222222222222222222/{p=0} p' \
	testdata/rcu-read-lock-notrace.mbox > "$WORK/one.mbox"
"$WORK/rcureview" review --tree "$TREE" "$WORK/one.mbox" >/dev/null 2>&1 || true # warm
measure rcureview-review-warm "$WORK/rcureview" review --tree "$TREE" "$WORK/one.mbox"
(cd "$TREE" && measure checkpatch perl scripts/checkpatch.pl --no-signoff "$WORK/one.mbox")

echo "bench: ratio index cold / ctags  = $(ratio rcureview-index-cold ctags)"
echo "bench: ratio index cold / cscope = $(ratio rcureview-index-cold cscope)"
echo "bench: ratio review warm / checkpatch = $(ratio rcureview-review-warm checkpatch)"
echo "bench: findings: $(grep -c '^\(ERROR\|WARNING\|NOTE\):' "$WORK/rcureview-review-warm.out" || true) from rcureview, checkpatch says: $(grep '^total:' "$WORK/checkpatch.out" || true)"
