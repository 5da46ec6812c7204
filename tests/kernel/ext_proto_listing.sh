#!/bin/bash
# Transport-protocol extensions (sctp dccp esp ipcomp) against the real iptables: each
# line of the rules file ("CHAIN rule...") is added to a fresh table of the real
# iptables in a private network namespace and to a fresh `uptables --ruleset` file;
# both must refuse it, or both accept it and print the same -S, -L -n and -L text.
# Needs root.  Run from the repo root after `make`:
#   tests/kernel/ext_proto_listing.sh [rules-file]      (UPTABLES=path/to/uptables)
# The rules file avoids what iptables 1.8.9 and the newer .t corpus disagree on
# (reversed ranges: 1.8.9 takes them for dccp, the corpus refuses them;
# inverted full ranges), and dccp types with -L -n (iptables-nft lists INVALID as
# 10,11,...,15, its nft translation; uptables keeps xt_dccp's single bit).
NS=upt_protodiff_$$
TMP=$(mktemp -d)
ip netns add $NS || exit 1
trap 'ip netns del $NS; rm -rf "$TMP"' EXIT
U=${UPTABLES:-build/uptables}
here=$(cd "$(dirname "$0")" && pwd)
pass=0; fail=0
while IFS= read -r line; do
  [ -z "$line" ] && continue
  eval "set -- $line"
  chain=$1; shift
  ip netns exec $NS iptables -F
  rm -f $TMP/rs
  ip netns exec $NS iptables -A $chain "$@" 2>/dev/null; k=$?
  $U --ruleset $TMP/rs -A $chain "$@" 2>$TMP/err; u=$?
  ks=$(ip netns exec $NS iptables -S $chain; ip netns exec $NS iptables -L $chain -n; ip netns exec $NS iptables -L $chain)
  us=$($U --ruleset $TMP/rs -S $chain; $U --ruleset $TMP/rs -L $chain -n; $U --ruleset $TMP/rs -L $chain)
  if [ $k -ne 0 ] && [ $u -eq $k ]; then pass=$((pass+1)); continue; fi
  if [ $k -eq $u ] && [ "$ks" = "$us" ]; then pass=$((pass+1)); continue; fi
  fail=$((fail+1)); echo "DIFF: $line (kernel rc=$k, uptables rc=$u: $(cat $TMP/err))"; diff <(echo "$ks") <(echo "$us") | head -8
done < "${1:-$here/ext_proto_rules.txt}"
echo "$pass same, $fail different"
[ "$fail" -eq 0 ]
