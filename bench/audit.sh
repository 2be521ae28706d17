#!/usr/bin/env bash
# Whole-tree audit benchmark: `rcureview review --all` over the real
# linux-source-6.12 tree under a real Debian kernel configuration, with
# counts by rule, severity and root kind, the wall time and peak RSS, and
# the list of errors checked against the triage in docs/audit-6.12.md.
#
# usage: bench/audit.sh [CONFIG] [--tree DIR | --git DIR]
#   CONFIG: amd64 (default), rt, cloud (the configurations Debian's
#           linux-config-6.12 installs under /usr/src/linux-config-6.12),
#           none (no --config), or the path of a .config (.xz is unpacked).
#   Without --tree/--git: $RCUREVIEW_KERNEL_GIT, else $RCUREVIEW_KERNEL_TREE.
# Exit status: 0, or 1 when an error of the audit is not in the triage file.
# Needs: go, jq, xz, GNU time (apt-get install jq xz-utils time).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=amd64
SRC=()
while [ $# -gt 0 ]; do
	case "$1" in
	--tree | --git) SRC=("$1" "$2"); shift 2 ;;
	-h | --help) sed -n '2,14p' "$0"; exit 0 ;;
	*) CONFIG=$1; shift ;;
	esac
done
if [ ${#SRC[@]} -eq 0 ]; then
	if [ -n "${RCUREVIEW_KERNEL_GIT:-}" ]; then SRC=(--git "$RCUREVIEW_KERNEL_GIT")
	elif [ -n "${RCUREVIEW_KERNEL_TREE:-}" ]; then SRC=(--tree "$RCUREVIEW_KERNEL_TREE")
	else echo "audit: give --tree/--git or set RCUREVIEW_KERNEL_GIT / RCUREVIEW_KERNEL_TREE" >&2; exit 2
	fi
fi
for t in jq xz /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "audit: $t missing (apt-get install jq xz-utils time)" >&2; exit 2; }
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
go build -o "$WORK/rcureview" ./cmd/rcureview

CFGARGS=()
case "$CONFIG" in
none) ;;
amd64 | rt | cloud)
	declare -A debian=([amd64]=config.amd64_none_amd64 [rt]=config.amd64_rt_amd64 [cloud]=config.amd64_none_cloud-amd64)
	f=/usr/src/linux-config-6.12/${debian[$CONFIG]}.xz
	[ -f "$f" ] || { echo "audit: $f missing (apt-get install linux-config-6.12)" >&2; exit 2; }
	xz -dc "$f" > "$WORK/$CONFIG.config"
	CFGARGS=(--config "$WORK/$CONFIG.config") ;;
*.xz) xz -dc "$CONFIG" > "$WORK/config"; CFGARGS=(--config "$WORK/config") ;;
*) CFGARGS=(--config "$CONFIG") ;;
esac

# --all audits the whole tree from any patch; this one adds a text file
# that no analyzer looks at, so every finding is the tree's own.
cat > "$WORK/audit.patch" <<'EOF'
diff --git a/Documentation/rcureview-audit.txt b/Documentation/rcureview-audit.txt
new file mode 100644
--- /dev/null
+++ b/Documentation/rcureview-audit.txt
@@ -0,0 +1 @@
+Whole-tree audit marker: this patch changes nothing the analyzers look at.
EOF

# A first run warms the index cache; the second is the one measured.
"$WORK/rcureview" review --all "${SRC[@]}" "${CFGARGS[@]}" --format json "$WORK/audit.patch" > /dev/null 2>&1 || true
/usr/bin/time -f '%e %M' -o "$WORK/time" "$WORK/rcureview" review --all "${SRC[@]}" "${CFGARGS[@]}" \
	--format json --out "$WORK/audit.json" "$WORK/audit.patch" 2> "$WORK/stderr" || true
read -r wall rss < <(tail -n 1 "$WORK/time")
jq -e '.patches' "$WORK/audit.json" > /dev/null || { cat "$WORK/stderr" >&2; exit 2; }

F='.patches[].findings[] | select(.rule | startswith("input-") | not)'
echo "audit: rcureview review --all ${SRC[*]} ${CFGARGS[*]:+--config $CONFIG}"
printf 'audit: warm wall %.2fs, peak RSS %.0f MiB\n' "$wall" "$(awk "BEGIN{print $rss/1024}")"
echo "audit: by rule and severity:"
jq -r "$F | \"\(.rule) \(.severity)\"" "$WORK/audit.json" | sort | uniq -c | sed 's/^/  /'
echo "audit: by root kind and severity:"
jq -r "$F | \"\(.root // \"-\") \(.severity)\"" "$WORK/audit.json" | sort | uniq -c | sed 's/^/  /'
echo "audit: by top directory (errors and warnings):"
jq -r "$F | select(.severity != \"note\") | (.file | split(\"/\") | .[0:2] | join(\"/\"))" "$WORK/audit.json" |
	sort | uniq -c | sort -rn | head -15 | sed 's/^/  /'
total=$(jq -r "[$F] | length" "$WORK/audit.json")
errors=$(jq -r "[$F | select(.severity == \"error\")] | length" "$WORK/audit.json")
echo "audit: $total findings, $errors errors"

# Every error must be explained in the triage file, which names it as
# `file:function` (the function the finding is reported for).
TRIAGE=docs/audit-6.12.md
untriaged=0
echo "audit: errors (file:function — rule — message):"
while IFS=$'\t' read -r key rule msg; do
	mark=" "
	if [ ! -f "$TRIAGE" ] || ! grep -qF -- "\`$key\`" "$TRIAGE"; then
		mark="!"
		untriaged=$((untriaged + 1))
	fi
	printf '  %s %s — %s — %.150s\n' "$mark" "$key" "$rule" "$msg"
done < <(jq -r "$F | select(.severity == \"error\") | [\"\(.file):\(.function)\", .rule, .message] | @tsv" "$WORK/audit.json" | sort -u)
if [ "$untriaged" -gt 0 ]; then
	echo "audit: $untriaged error(s) marked ! are not explained in $TRIAGE"
	exit 1
fi
