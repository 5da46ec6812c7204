#!/usr/bin/env bash
# Replays the ICMP and GRE cases of tests/unit/test_ct_proto.c against the
# real kernel (see ct_proto_rows.py): the ctstate each crafted packet gets at
# the gateway's PREROUTING, and for some the gateway's /proc entry.
#
#   usage: tests/kernel/ct_proto_rows.sh [OUTFILE]   (root; prints "ct_proto_rows: N passed, M failed")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

out=${1:-/dev/null}
upt_init
upt_topo_gw
upt_sysctl gw net.ipv4.ip_forward=1
for h in cl srv; do
	upt_x "$h" iptables -A INPUT -j DROP
done
for st in NEW ESTABLISHED RELATED INVALID UNTRACKED; do
	upt_x gw iptables -t mangle -A PREROUTING -m conntrack --ctstate "$st"
done
upt_fg /usr/bin/python3 "$here/ct_proto_rows.py" "$UPT_PREFIX" | tee "$out"
