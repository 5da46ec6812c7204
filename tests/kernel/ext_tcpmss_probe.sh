#!/usr/bin/env bash
# TCPMSS on the real kernel: SYNs through a gateway whose eth1 has MTU 1400,
# with --clamp-mss-to-pmtu and --set-mss rules in mangle FORWARD; prints the
# TCP header of every SYN that arrives (tests/unit/test_ext_packet.c's
# TCPMSS tests expect the same values).
#
#   usage: tests/kernel/ext_tcpmss_probe.sh   (root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

upt_init
upt_topo_gw
upt_sysctl gw net.ipv4.ip_forward=1
upt_x gw ip link set eth1 mtu 1400
upt_x srv ip link set eth0 mtu 1400
for h in cl srv; do upt_x "$h" iptables -A INPUT -j DROP; done
m="-t mangle -A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN"
# shellcheck disable=SC2086
{
	upt_x gw iptables $m --dport 1001 -j TCPMSS --clamp-mss-to-pmtu
	upt_x gw iptables $m --dport 1002 -j TCPMSS --set-mss 1200
	upt_x gw iptables $m --dport 1003 -j TCPMSS --set-mss 1600
	upt_x gw iptables $m --dport 1004 -j TCPMSS --set-mss 300
}
upt_cap_start srv eth0 in "$UPT_TMP/srv.pcap" tcp
upt_cap_start cl eth0 in "$UPT_TMP/cl.pcap" tcp
(cd "$here" && upt_fg /usr/bin/python3 ext_tcpmss_probe.py send "$UPT_PREFIX")
upt_cap_stop_all
(cd "$here" && /usr/bin/python3 ext_tcpmss_probe.py report "$UPT_TMP/srv.pcap" "$UPT_TMP/cl.pcap")
