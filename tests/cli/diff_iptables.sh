#!/usr/bin/env bash
# tests/cli/diff_iptables.sh [BUILD_DIR]: the differential test of the uptables
# command line against the real iptables (issue 3, item 7).
#
# The same few hundred commands (tests/cli/diff/gen_cmds.py, fixed seed: rules
# across filter, nat, mangle and raw, user chains, inserts, deletes by
# specification and by number, replaces, renames, policies, flushes, zeroing,
# counters set with -c, negations, masks, interface wildcards, the extensions
# both sides support (41 matches and targets), and commands that must fail) go to the real iptables in a
# fresh network namespace and to BUILD_DIR/uptables --ruleset FILE.  At three
# checkpoints -S, -S -v, -L -n [-v [-x --line-numbers]] per table, -S CHAIN and
# -L CHAIN -n -v -x --line-numbers per chain, and iptables-save [-c] [-t nat]
# (without its '#' lines) are compared as text; exit statuses and standard
# output are compared for every command.  At the end each side restores the
# other's iptables-save -c output and must save it back unchanged (the real
# iptables after "nft flush ruleset" in its namespace).  tests/cli/diff/clidiff.py
# does the comparing; this script makes and removes the namespace.  One result
# line per comparison, then "clidiff: N passed, M failed".
#
# The oracle is the installed iptables 1.8.9 (nf_tables).  Constructs where 1.8.9
# and the 1.8.13 .t corpus disagree are left out of the command list (reversed
# and full port ranges, --ctproto 0, --icmp-type 255/255, option values joined to
# the option, NFQUEUE --queue-balance), and so are three constructs that
# iptables-nft 1.8.9 mistranslates (inverted open-start port ranges,
# non-contiguous -m conntrack masks, "! -s X/0"): see gen_cmds.py and
# ../shared/conformance/iptables-t/README.md.
#
# Only rules are configured: no interface is brought up and no packet is sent.
# Environment: CLIDIFF_SEED=N another command list; CLIDIFF_EXT=none|all|a,b
# chooses the extensions of tests/cli/diff/gen_extra.py used besides the first
# list (default: its DEFAULT_ON); CLIDIFF_OUT=DIR keeps both
# sides' listings there; CLIDIFF_CMDS=FILE runs that command list instead;
# CLIDIFF_STEP=1 also names the first command after which iptables-save -c
# differs (slower: two saves per command).
set -u
cd "$(dirname "$0")/../.." || exit 1
build=${1:-build}
here=tests/cli/diff
py=/usr/bin/python3

fail_setup() {
	echo "FAIL clidiff setup: $*"
	echo "clidiff: 0 passed, 1 failed"
	exit 1
}

[ "$(id -u)" = 0 ] || fail_setup "needs root (network namespaces and the real iptables)"
for p in iptables iptables-save; do
	command -v "$p" >/dev/null || fail_setup "the real $p is not installed"
done
ver=$(iptables --version 2>&1)
case $ver in
*"v1.8.9 (nf_tables)"*) ;;
*) echo "note: the command list was checked against iptables v1.8.9 (nf_tables); found: $ver" ;;
esac
for p in uptables uptables-save; do
	[ -x "$build/$p" ] ||
		fail_setup "$build/$p does not exist: build the CLI first (make BUILD=$build all); this test cannot run without it"
done
upt=$(cd "$build" && pwd)/uptables

ns="upt-clidiff-$$-$RANDOM"
tmp=$(mktemp -d "/tmp/upt-clidiff-$$-XXXXXX")
runner=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	trap - EXIT INT TERM HUP
	[ -n "$runner" ] && kill "$runner" 2>/dev/null && wait "$runner" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [ -n "${CLIDIFF_CMDS:-}" ]; then
	cp "$CLIDIFF_CMDS" "$tmp/cmds.txt" || fail_setup "cannot read $CLIDIFF_CMDS"
else
	"$py" "$here/gen_cmds.py" ${CLIDIFF_EXT:+--ext "$CLIDIFF_EXT"} ${CLIDIFF_SEED:+"$CLIDIFF_SEED"} >"$tmp/cmds.txt" ||
		fail_setup "gen_cmds.py failed"
fi
ip netns add "$ns" || fail_setup "cannot create network namespace $ns"
# A fresh namespace must start with no rules at all, or the comparison is void.
[ -z "$(ip netns exec "$ns" iptables-save)" ] || fail_setup "namespace $ns is not empty"

out=()
[ -n "${CLIDIFF_STEP:-}" ] && out+=(--step)
if [ -n "${CLIDIFF_OUT:-}" ]; then
	mkdir -p "$CLIDIFF_OUT" || fail_setup "cannot create $CLIDIFF_OUT"
	out+=(--out "$CLIDIFF_OUT")
	cp "$tmp/cmds.txt" "$CLIDIFF_OUT/cmds.txt"
fi
echo "clidiff: $(grep -vc '^@' "$tmp/cmds.txt") commands, iptables in namespace $ns vs $build/uptables --ruleset"
# In the background and waited for, so that a signal stops it at once (bash
# runs a trap only after a foreground child has finished).
ip netns exec "$ns" env UPTABLES_SOCKET="$tmp/no-daemon.sock" \
	"$py" "$here/clidiff.py" --cmds "$tmp/cmds.txt" --uptables "$upt" \
	--ruleset "$tmp/rules.v4" "${out[@]}" &
runner=$!
rc=0
wait "$runner" || rc=$?
runner=""
exit "$rc"
