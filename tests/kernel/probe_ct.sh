#!/usr/bin/env bash
# Conntrack fact finder: crafted packets through a forwarding gateway, the state
# each one gets and the conntrack entry after each (see probe_ct.py).
#
#   usage: probe_ct.sh OUTDIR [PROBE...]   (probes: tcp_lifecycle tcp_classification
#                                           udp icmp generic extras; default all)
# Writes OUTDIR/probe_ct.txt (the report), OUTDIR/gw-sysctl.txt (the gateway's
# conntrack sysctls) and OUTDIR/events.txt (conntrack -E of the whole run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

[ $# -ge 1 ] || upt_die "usage: $0 OUTDIR [PROBE...]"
outdir=$1; shift
mkdir -p "$outdir"; outdir=$(cd "$outdir" && pwd)

upt_init
upt_topo_gw
upt_sysctl gw net.ipv4.ip_forward=1
# The end hosts must stay silent: every packet of both ends is crafted.
for h in cl srv; do
	upt_x "$h" iptables -A INPUT -j DROP
done
for tc in mangle:PREROUTING filter:FORWARD; do
	for st in NEW ESTABLISHED RELATED INVALID UNTRACKED; do
		upt_x gw iptables -t "${tc%%:*}" -A "${tc#*:}" -m conntrack --ctstate "$st"
	done
done
# Only for the "extras" probe (other probes use other ports).
upt_x gw iptables -t raw -A PREROUTING -p udp --dport 54 -j CT --zone 5
upt_x gw iptables -t mangle -A FORWARD -p udp --dport 55 -j CONNMARK --set-mark 42
upt_x gw sysctl -a 2>/dev/null | grep -E '^net.netfilter.nf_conntrack|^net.ipv4.ip_forward ' \
	>"$outdir/gw-sysctl.txt"
upt_bg gw "$outdir/events.txt" conntrack -E -o timestamp
sleep 0.2
upt_fg /usr/bin/python3 "$here/probe_ct.py" "$UPT_PREFIX" "$@" >"$outdir/probe_ct.txt"
sleep 0.2
echo "probe_ct: $(grep -c '^-- ' "$outdir/probe_ct.txt") packets, report in $outdir/probe_ct.txt"
