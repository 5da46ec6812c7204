#!/usr/bin/env bash
# DSCP, TOS and TTL targets on the real kernel: UDP datagrams through a
# gateway with one mangle FORWARD rule per destination port; prints the TOS
# and TTL each one arrives with (tests/unit/test_ext_packet.c replays the
# same datagrams through the engine and expects the same).
#
#   usage: tests/kernel/ext_mangle_probe.sh   (root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

upt_init
upt_topo_gw
upt_sysctl gw net.ipv4.ip_forward=1
upt_x srv iptables -A INPUT -j DROP
m="-t mangle -A FORWARD -p udp -m udp"
# shellcheck disable=SC2086
{
	upt_x gw iptables $m --dport 3001 -j DSCP --set-dscp 0x2e
	upt_x gw iptables $m --dport 3002 -j TOS --set-tos 0x10/0x3f
	upt_x gw iptables $m --dport 3003 -j TOS --and-tos 0x0f
	upt_x gw iptables $m --dport 3004 -j TOS --or-tos 0x01
	upt_x gw iptables $m --dport 3005 -j TOS --xor-tos 0x05
	upt_x gw iptables $m --dport 3006 -j TTL --ttl-set 7
	upt_x gw iptables $m --dport 3007 -j TTL --ttl-inc 10
	upt_x gw iptables $m --dport 3008 -j TTL --ttl-dec 10
	upt_x gw iptables $m --dport 3009 -j DSCP --set-dscp-class AF41
}
upt_cap_start srv eth0 in "$UPT_TMP/srv.pcap" udp
(cd "$here" && upt_fg /usr/bin/python3 ext_mangle_probe.py send "$UPT_PREFIX")
upt_cap_stop_all
(cd "$here" && /usr/bin/python3 ext_mangle_probe.py report "$UPT_TMP/srv.pcap")
