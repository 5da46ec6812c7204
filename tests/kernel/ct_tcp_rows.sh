#!/usr/bin/env bash
# Replays the TCP rows of tests/unit/test_ct_tcp.c against the real kernel:
# every packet of a row is crafted (scapy) from the client or the server
# namespace and forwarded by the gateway; after the row's last packet its
# ctstate (counting rules in mangle PREROUTING) and the gateway's
# /proc/net/nf_conntrack entry are compared with the row's expectation.
#
#   usage: tests/kernel/ct_tcp_rows.sh [OUTFILE]   (root; prints "ct_tcp_rows: N passed, M failed")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

out=${1:-/dev/null}
upt_init
upt_topo_gw
upt_sysctl gw net.ipv4.ip_forward=1
# The end hosts must stay silent: every packet of both ends is crafted.
for h in cl srv; do
	upt_x "$h" iptables -A INPUT -j DROP
done
for st in NEW ESTABLISHED RELATED INVALID UNTRACKED; do
	upt_x gw iptables -t mangle -A PREROUTING -m conntrack --ctstate "$st"
done
upt_fg /usr/bin/python3 "$here/ct_tcp_rows.py" "$UPT_PREFIX" "${CT_ROWS_SRC:-$here/../unit/test_ct_tcp.c}" \
	| tee "$out"
