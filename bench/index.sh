#!/usr/bin/env bash
# Index and review benchmark on the real linux-source-6.12 tree, in one run
# (issue 14's acceptance):
#   1. cold full-tree index: rcureview index vs ctags -R (universal-ctags)
#      and cscope -b -q -k -R, with peak RSS;
#   2. warm review of a one-patch mbox: rcureview review --tree vs
#      scripts/checkpatch.pl on the same patch, RUNS runs each,
#      interleaved, medians compared;
#   3. with a git repository of the tree (RCUREVIEW_KERNEL_GIT): warm
#      `rcureview check --staged` with the patch staged, in a local clone of
#      the repository (hardlinked objects, no checkout), median of RUNS against the
#      warm review; then the first check in a second clone of the same
#      commit, which must not index anything again (no new pack, and as
#      fast as warm).
# Prints wall times, peak RSS, the ratios and a PASS/FAIL line per
# acceptance item. Timings on a shared machine are noisy: both sides of
# every ratio run in the same minute, under the same load.
#
# usage: bench/index.sh [TREE]   (default $RCUREVIEW_KERNEL_TREE)
#        RUNS=N (default 5)
# Needs: go, git, universal-ctags, cscope, GNU time, perl
# (apt-get install universal-ctags cscope time).
set -euo pipefail
cd "$(dirname "$0")/.."
TREE="${1:-${RCUREVIEW_KERNEL_TREE:-}}"
GITREPO="${RCUREVIEW_KERNEL_GIT:-}"
RUNS="${RUNS:-5}"
[ -n "$TREE" ] && [ -f "$TREE/MAINTAINERS" ] || { echo "bench: give a linux tree (arg or RCUREVIEW_KERNEL_TREE)" >&2; exit 2; }
for t in ctags cscope /usr/bin/time perl git; do
	command -v "$t" >/dev/null || { echo "bench: $t missing (apt-get install universal-ctags cscope time git)" >&2; exit 2; }
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# A static binary, as Go command-line tools are released (and as
# bench/litmus.sh builds it): with cgo (only net and os/user would use it)
# every process also pays for the dynamic loader and libc's start, ~8 ms
# of a warm review's wall time here.
CGO_ENABLED=0 go build -o "$WORK/rcureview" ./cmd/rcureview
echo "bench: $(date -u +%FT%TZ) $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# measure NAME CMD...: runs CMD under GNU time, records wall seconds and
# peak RSS (KiB) in $WORK/NAME.{wall,rss}.
measure() {
	local name=$1; shift
	/usr/bin/time -f '%e %M %U %S' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || true
	read -r wall rss user sys < <(tail -n 1 "$WORK/$name.time") # GNU time adds a line when CMD exits non-zero
	echo "$wall" > "$WORK/$name.wall"; echo "$rss" > "$WORK/$name.rss"
	printf 'bench: %-26s %8.2fs  (%.2fs user %.2fs sys)  peak RSS %7.0f MiB\n' "$name" "$wall" "$user" "$sys" "$(awk "BEGIN{print $rss/1024}")"
}
# median NAME: the median of the wall times appended to $WORK/NAME.walls.
median() { sort -n "$WORK/$1.walls" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk "BEGIN { printf \"%.3f\", $(cat "$WORK/$1.wall") / $(cat "$WORK/$2.wall") }"; }
verdict() { if awk "BEGIN{exit !($1)}"; then echo PASS; else echo FAIL; fi; }

# Warm the page cache so every tool reads the tree from memory.
find "$TREE" -type f \( -name '*.[ch]' -o -name Makefile -o -name Kbuild -o -name 'Kconfig*' \) -print0 | xargs -0 cat > /dev/null

# rcureview keeps its cache in the user cache dir; point it at a fresh one.
export XDG_CACHE_HOME="$WORK/xdg"
PACKS="$XDG_CACHE_HOME/rcureview/index"
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
(cd "$TREE" && perl scripts/checkpatch.pl --no-signoff "$WORK/one.mbox" >/dev/null 2>&1) || true
for i in $(seq "$RUNS"); do
	measure rcureview-review-warm "$WORK/rcureview" review --tree "$TREE" "$WORK/one.mbox" >/dev/null
	cat "$WORK/rcureview-review-warm.wall" >> "$WORK/review.walls"
	(cd "$TREE" && measure checkpatch perl scripts/checkpatch.pl --no-signoff "$WORK/one.mbox" >/dev/null)
	cat "$WORK/checkpatch.wall" >> "$WORK/checkpatch.walls"
done
REVIEW=$(median review); CHECKPATCH=$(median checkpatch)
echo "bench: warm review median ${REVIEW}s, checkpatch median ${CHECKPATCH}s ($RUNS runs each, interleaved)"

if [ -n "$GITREPO" ]; then
	# The tree's repository, indexed once (its pack is named by the root
	# tree id), then two clones sharing its objects with the patch staged.
	measure rcureview-index-git-cold "$WORK/rcureview" index --git "$GITREPO"
	stage() { # stage DIR: a clone of GITREPO's HEAD with one.mbox staged
		git clone -q --local --no-checkout "$GITREPO" "$1" # hardlinks; go-git reads no alternates (--shared)
		git -C "$1" read-tree HEAD
		git -C "$1" apply --cached "$WORK/one.mbox"
	}
	stage "$WORK/clone1"
	"$WORK/rcureview" check --staged --git "$WORK/clone1" >/dev/null 2>&1 || true # warm
	for i in $(seq "$RUNS"); do
		measure rcureview-check-staged "$WORK/rcureview" check --staged --git "$WORK/clone1" >/dev/null
		cat "$WORK/rcureview-check-staged.wall" >> "$WORK/check.walls"
		measure rcureview-review-warm "$WORK/rcureview" review --tree "$TREE" "$WORK/one.mbox" >/dev/null
		cat "$WORK/rcureview-review-warm.wall" >> "$WORK/review2.walls"
	done
	CHECK=$(median check); REVIEW2=$(median review2)
	echo "bench: warm check --staged median ${CHECK}s, warm review median ${REVIEW2}s (same minutes)"
	grep -q 'rcu_read_lock_notrace' "$WORK/rcureview-check-staged.out" || echo "bench: warning: check --staged did not review the staged patch" >&2
	stage "$WORK/clone2"
	ls "$PACKS" > "$WORK/packs.before"
	measure rcureview-check-new-worktree "$WORK/rcureview" check --staged --git "$WORK/clone2"
	ls "$PACKS" > "$WORK/packs.after"
	NEWWT=$(cat "$WORK/rcureview-check-new-worktree.wall")
fi

INDEX_CTAGS=$(ratio rcureview-index-cold ctags)
COLD_RSS=$(cat "$WORK/rcureview-index-cold.rss")
REVIEW_CP=$(awk "BEGIN { printf \"%.3f\", $REVIEW / $CHECKPATCH }")
echo "bench: ratio index cold / ctags  = $INDEX_CTAGS"
echo "bench: ratio index cold / cscope = $(ratio rcureview-index-cold cscope)"
echo "bench: ratio review warm / checkpatch = $REVIEW_CP (medians)"
echo "bench: findings: $(grep -c '^\(ERROR\|WARNING\|NOTE\):' "$WORK/rcureview-review-warm.out" || true) from rcureview, checkpatch says: $(grep '^total:' "$WORK/checkpatch.out" || true)"
echo "bench: acceptance (issue 14), machine load average now $(cut -d' ' -f1-3 /proc/loadavg):"
echo "bench:   warm review / checkpatch = $REVIEW_CP <= 0.2: $(verdict "$REVIEW_CP <= 0.2")"
if [ -n "$GITREPO" ]; then
	echo "bench:   warm check --staged - warm review = $(awk "BEGIN{printf \"%.2f\", $CHECK - $REVIEW2}")s <= 0.2s: $(verdict "$CHECK - $REVIEW2 <= 0.2")"
	if cmp -s "$WORK/packs.before" "$WORK/packs.after"; then same="no new pack"; else same="NEW PACK WRITTEN"; fi
	echo "bench:   new worktree of the indexed commit: first check ${NEWWT}s (warm ${CHECK}s), $same: $(verdict "\"$same\" == \"no new pack\" && $NEWWT <= 2 * $CHECK + 0.5")"
else
	echo "bench:   check --staged and new worktree: skipped (set RCUREVIEW_KERNEL_GIT)"
fi
echo "bench:   cold index / ctags = $INDEX_CTAGS <= 0.15: $(verdict "$INDEX_CTAGS <= 0.15")"
echo "bench:   cold index peak RSS = $(awk "BEGIN{printf \"%.0f\", $COLD_RSS/1024}") MiB <= 1024 MiB: $(verdict "$COLD_RSS <= 1048576")"
