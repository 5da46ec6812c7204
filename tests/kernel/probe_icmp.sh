#!/usr/bin/env bash
# Fact finder for what the gateway itself sends: ICMP time exceeded (TTL 1),
# REJECT with icmp-port-unreachable and with tcp-reset, and what happens to a
# packet to forward when ip_forward=0 (see probe_icmp.py).
#
#   usage: probe_icmp.sh OUTDIR
# Writes OUTDIR/icmp-sent.txt (the probes), OUTDIR/icmp-gw-eth0-out.txt (every
# frame the gateway sent back, hex and fields), OUTDIR/icmp-conntrack.txt, and
# OUTDIR/fwd0-*.txt for the ip_forward=0 run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

[ $# -eq 1 ] || upt_die "usage: $0 OUTDIR"
outdir=$1; mkdir -p "$outdir"; outdir=$(cd "$outdir" && pwd)
py() { upt_fg /usr/bin/python3 "$here/probe_icmp.py" "$@"; }

upt_init
upt_topo_gw
for h in cl srv; do
	upt_x "$h" iptables -A INPUT -j DROP
done
upt_sysctl gw net.ipv4.ip_forward=1
upt_x gw iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to 192.168.1.2:8080
upt_x gw iptables -A FORWARD -p udp --dport 9 -j REJECT
upt_x gw iptables -A FORWARD -p tcp --dport 9 -j REJECT --reject-with tcp-reset

upt_cap_start gw eth0 out "$outdir/icmp-gw-eth0-out.pcap"
upt_cap_start gw eth1 out "$outdir/icmp-gw-eth1-out.pcap"
py send "$UPT_PREFIX" >"$outdir/icmp-sent.txt"
upt_cap_stop_all
upt_ct_snapshot gw "after the probes" "$outdir/icmp-conntrack.txt"
upt_x gw iptables-save -c >>"$outdir/icmp-conntrack.txt"
py dump "$outdir/icmp-gw-eth0-out.pcap" >"$outdir/icmp-gw-eth0-out.txt"
py dump "$outdir/icmp-gw-eth1-out.pcap" >"$outdir/icmp-gw-eth1-out.txt"

# ip_forward=0: does the gateway drop silently or answer?
upt_x gw conntrack -F 2>/dev/null
upt_sysctl gw net.ipv4.ip_forward=0
upt_x gw nstat -n >/dev/null          # reset nstat's history in the namespace
upt_cap_start gw eth0 out "$outdir/fwd0-gw-eth0-out.pcap"
upt_cap_start gw eth1 out "$outdir/fwd0-gw-eth1-out.pcap"
py fwd0 "$UPT_PREFIX" >"$outdir/fwd0-sent.txt"
upt_cap_stop_all
{
	echo "=== nstat (counters that moved)"
	upt_x gw nstat 2>&1
	upt_ct_snapshot gw "ip_forward=0" -
	for f in "$outdir"/fwd0-*.pcap; do
		echo "=== $(basename "$f"): $(upt_pcap_count "$f") frames"
		upt_pcap_text "$f"
	done
} >"$outdir/fwd0-result.txt"

echo "probe_icmp: $(grep -c '^frame' "$outdir/icmp-gw-eth0-out.txt") frames back to the client" \
	"for $(grep -c '^sent' "$outdir/icmp-sent.txt") probes;" \
	"ip_forward=0: $(upt_pcap_count "$outdir/fwd0-gw-eth0-out.pcap")+$(upt_pcap_count "$outdir/fwd0-gw-eth1-out.pcap") frames out"
