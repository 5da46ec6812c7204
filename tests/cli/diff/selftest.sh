#!/usr/bin/env bash
# tests/cli/diff/selftest.sh: checks the differential test itself, without
# uptables.  It runs tests/cli/diff_iptables.sh twice against test doubles that
# stand in for uptables, uptables-save and uptables-restore:
#   1. the real iptables in a second fresh namespace: every comparison must
#      pass (the command list is valid for the installed iptables, every
#      listing is deterministic, the harness adds no difference of its own);
#   2. the same with one planted bug (counters given with -c are dropped):
#      the run must fail, and exactly in the counter listings (-S -v, -L -v,
#      save -c) while -S and plain -L still pass.
# Run it after an iptables upgrade or a change to gen_cmds.py / clidiff.py.
# Needs root.  Ends with "clidiff-selftest: N passed, M failed".
set -u
cd "$(dirname "$0")/../../.." || exit 1
[ "$(id -u)" = 0 ] || { echo "clidiff-selftest: needs root"; echo "clidiff-selftest: 0 passed, 1 failed"; exit 1; }

ns="upt-clidiffself-$$-$RANDOM"
tmp=$(mktemp -d "/tmp/upt-clidiffself-$$-XXXXXX")
cleanup() {
	trap - EXIT INT TERM HUP
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# double DIR FILTER: uptables, uptables-save, uptables-restore in DIR that run
# the real programs in namespace $ns, ignoring --ruleset FILE; FILTER is a
# bash snippet that may rewrite the argument array a.
double() {
	local dir=$1 filter=$2 p real
	mkdir -p "$dir"
	for p in uptables uptables-save uptables-restore; do
		real=${p/uptables/iptables}
		cat >"$dir/$p" <<-EOF
			#!/usr/bin/env bash
			# test double for $p: the real $real in namespace $ns
			[ "\${1:-}" = --ruleset ] && shift 2
			a=("\$@")
			$filter
			exec ip netns exec $ns $real "\${a[@]}"
		EOF
		chmod +x "$dir/$p"
	done
}

fresh_ns() {
	ip netns del "$ns" 2>/dev/null
	ip netns add "$ns" || { bad "cannot create namespace $ns"; exit 1; }
}

# 1. identical twin
double "$tmp/twin" ""
fresh_ns
tests/cli/diff_iptables.sh "$tmp/twin" >"$tmp/twin.log" 2>&1
last=$(tail -n 1 "$tmp/twin.log")
if [[ $last =~ ^clidiff:\ ([0-9]+)\ passed,\ 0\ failed$ ]] && [ "${BASH_REMATCH[1]}" -gt 300 ]; then
	ok "real iptables against itself: $last"
else
	bad "real iptables against itself: $last"; grep -v '^ok' "$tmp/twin.log" | head -n 40 | sed 's/^/    /'
fi

# 2. planted bug: -c / --set-counters P B dropped
# shellcheck disable=SC2016 # the snippet expands inside the double
double "$tmp/nocount" 'b=(); i=0; while [ $i -lt ${#a[@]} ]; do case ${a[$i]} in -c|--set-counters) i=$((i + 3));; *) b+=("${a[$i]}"); i=$((i + 1));; esac; done; a=("${b[@]}")'
fresh_ns
tests/cli/diff_iptables.sh "$tmp/nocount" >"$tmp/nocount.log" 2>&1
last=$(tail -n 1 "$tmp/nocount.log")
if [[ $last =~ ^clidiff:\ [0-9]+\ passed,\ ([0-9]+)\ failed$ ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]; then
	ok "planted bug (counters dropped) is found: $last"
else
	bad "planted bug (counters dropped) is not found: $last"
fi
if grep -q '^FAIL filter: iptables -t filter -S -v$' "$tmp/nocount.log" &&
	grep -q '^FAIL .*iptables-save -c$' "$tmp/nocount.log"; then
	ok "planted bug shows in -S -v and save -c"
else
	bad "planted bug does not show in -S -v and save -c"
fi
if grep -q '^ok   filter: iptables -t filter -S$' "$tmp/nocount.log" &&
	grep -q '^ok   filter: iptables -t filter -L -n$' "$tmp/nocount.log"; then
	ok "planted bug leaves -S and -L -n passing"
else
	bad "planted bug also fails -S or -L -n"
fi
echo "clidiff-selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
