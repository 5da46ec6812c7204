#!/usr/bin/env bash
# NAT fact finder: DNAT and MASQUERADE entries and the kernel's port choice on a
# clash (see probe_nat.py).
#
#   usage: probe_nat.sh OUTDIR
# Writes OUTDIR/probe_nat.txt (report), OUTDIR/nat-gw-eth{0,1}-out.pcap/.txt
# (the translated frames as they leave the gateway).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

[ $# -eq 1 ] || upt_die "usage: $0 OUTDIR"
outdir=$1; mkdir -p "$outdir"; outdir=$(cd "$outdir" && pwd)

upt_init
UPT_TOPO_CL2=1 upt_topo_gw
upt_sysctl gw net.ipv4.ip_forward=1
for h in cl srv cl2; do
	upt_x "$h" iptables -A INPUT -j DROP
done
upt_x gw iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to 192.168.1.2:8080
upt_x gw iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 81 -j DNAT --to 192.168.1.2:8080
upt_x gw iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE
upt_cap_start gw eth0 out "$outdir/nat-gw-eth0-out.pcap"
upt_cap_start gw eth1 out "$outdir/nat-gw-eth1-out.pcap"
: >"$outdir/probe_nat.txt"
for s in dnat masq dnatclash; do
	upt_fg /usr/bin/python3 "$here/probe_nat.py" "$UPT_PREFIX" "$s" >>"$outdir/probe_nat.txt"
done
upt_cap_stop_all
for f in "$outdir"/nat-*.pcap; do upt_pcap_text "$f" >"${f%.pcap}.txt"; done
grep -E 'became|8 trials:' "$outdir/probe_nat.txt" | sed 's/^ */probe_nat: /'
