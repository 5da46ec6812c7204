#!/bin/bash
# Misc-group extensions (NFQUEUE TCPOPTSTRIP CLASSIFY ECN HMARK AUDIT cpu connlabel)
# against the real iptables: each line "TABLE|CHAIN|rule..." of the rules file is added
# to a fresh table of the real iptables in a private network namespace and to a fresh
# `uptables --ruleset` file; both must refuse it with the same exit status (2: iptables
# refuses, 4: the kernel refuses on load), or both accept it and print the same -S,
# -L -n and -L text.  Needs root.  Run from the repo root after `make`:
#   tests/kernel/ext_misc_listing.sh [rules-file]      (UPTABLES=path/to/uptables)
# Known difference (1 line): iptables 1.8.9 fills an open --queue-balance end with
# 65535, newer iptables (and libxt_NFQUEUE.t, which the engine follows) with 65534.
NS=upt_miscdiff_$$
TMP=$(mktemp -d)
ip netns add $NS || exit 1
trap 'ip netns del $NS; rm -rf "$TMP"' EXIT
U=${UPTABLES:-build/uptables}
here=$(cd "$(dirname "$0")" && pwd)
known=("filter|FORWARD|-j NFQUEUE --queue-balance 8:")
pass=0; fail=0; nknown=0
while IFS='|' read -r t c r; do
	[ -z "$t" ] && continue
	ip netns exec $NS iptables -t "$t" -F 2>/dev/null
	rm -f "$TMP/rs"
	# shellcheck disable=SC2086
	ip netns exec $NS iptables -t "$t" -A "$c" $r 2>/dev/null; k=$?
	# shellcheck disable=SC2086
	$U --ruleset "$TMP/rs" -t "$t" -A "$c" $r 2>"$TMP/err"; u=$?
	ks=$(ip netns exec $NS iptables -t "$t" -S "$c"; ip netns exec $NS iptables -t "$t" -L "$c" -n
	     ip netns exec $NS iptables -t "$t" -L "$c" 2>/dev/null)
	us=$($U --ruleset "$TMP/rs" -t "$t" -S "$c"; $U --ruleset "$TMP/rs" -t "$t" -L "$c" -n
	     $U --ruleset "$TMP/rs" -t "$t" -L "$c")
	if [ $k -eq $u ] && { [ $k -ne 0 ] || [ "$ks" = "$us" ]; }; then pass=$((pass+1)); continue; fi
	for x in "${known[@]}"; do [ "$x" = "$t|$c|$r" ] && break; done
	if [ "$x" = "$t|$c|$r" ]; then nknown=$((nknown+1)); echo "known: $t|$c|$r"; continue; fi
	fail=$((fail+1)); echo "DIFF: $t $c $r (kernel rc=$k, uptables rc=$u: $(cat "$TMP/err"))"
	diff <(echo "$ks") <(echo "$us") | head -6
done < "${1:-$here/ext_misc_rules.txt}"
echo "$pass same, $nknown known differences, $fail different"
[ "$fail" -eq 0 ]
