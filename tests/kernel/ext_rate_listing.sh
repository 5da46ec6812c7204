#!/bin/bash
# Rate-group extensions (limit hashlimit quota recent statistic time owner NFLOG TRACE)
# against the real iptables: each line of the rules file ("CHAIN rule...") is added to a
# fresh table of the real iptables in a private network namespace and to a fresh
# `uptables --ruleset` file; both must refuse it, or both accept it and print the same
# -S, -L -n and -L text.  Needs root.  Run from the repo root after `make`:
#   tests/kernel/ext_rate_listing.sh [rules-file]      (UPTABLES=path/to/uptables)
# Known differences (2 lines), both because the kernel keeps the binary rule and a
# --ruleset file keeps the save text, which does not hold everything:
# `--datestop 1970-01-01T00:00:00` is date 0, unset for iptables, so save omits it
# and the file reads back the 2038 default; `--hashlimit-rate-interval` without
# `--hashlimit-rate-match` changes only iptables' -L rate, and save omits it.
NS=upt_ratediff_$$
TMP=$(mktemp -d)
ip netns add $NS || exit 1
trap 'ip netns del $NS; rm -rf "$TMP"' EXIT
U=${UPTABLES:-build/uptables}
# The known differences of the header: listed, not counted as failures.
known=("INPUT -m time --datestop 1970-01-01T00:00:00"
	"INPUT -m hashlimit --hashlimit-upto 5/s --hashlimit-name z --hashlimit-rate-interval 3")
here=$(cd "$(dirname "$0")" && pwd)
pass=0; fail=0; nknown=0
while IFS= read -r line; do
  [ -z "$line" ] && continue
  eval "set -- $line"
  chain=$1; shift
  table=filter
  [ "$chain" = TRACE ] && table=raw
  ip netns exec $NS iptables -F; ip netns exec $NS iptables -t raw -F 2>/dev/null
  rm -f $TMP/rs
  if [ "$*" = "-j TRACE" ]; then table=raw; chain=PREROUTING; fi
  ip netns exec $NS iptables -t $table -A $chain "$@" 2>/dev/null; k=$?
  $U --ruleset $TMP/rs -t $table -A $chain "$@" 2>$TMP/err; u=$?
  ks=$(ip netns exec $NS iptables -t $table -S $chain; ip netns exec $NS iptables -t $table -L $chain -n; ip netns exec $NS iptables -t $table -L $chain)
  us=$($U --ruleset $TMP/rs -t $table -S $chain; $U --ruleset $TMP/rs -t $table -L $chain -n; $U --ruleset $TMP/rs -t $table -L $chain)
  if [ $k -ne 0 ] && [ $u -eq $k ]; then pass=$((pass+1)); continue; fi
  if [ $k -eq $u ] && [ "$ks" = "$us" ]; then pass=$((pass+1)); continue; fi
  for x in "${known[@]}"; do [ "$x" = "$line" ] && break; done
  if [ "$x" = "$line" ]; then nknown=$((nknown+1)); echo "known: $line"; continue; fi
  fail=$((fail+1)); echo "DIFF: $line (kernel rc=$k, uptables rc=$u: $(cat $TMP/err))"; diff <(echo "$ks") <(echo "$us") | head -6
done < "${1:-$here/ext_rate_rules.txt}"
echo "$pass same, $nknown known differences, $fail different"
[ "$fail" -eq 0 ]
