#!/usr/bin/env bash
# TCPOPTSTRIP, ECN and HMARK on the real kernel: frames through a gateway
# with mangle FORWARD rules picked by destination port; prints the TCP
# options, flags and TOS each one arrives with, and for HMARK the mark (made
# visible as the TTL: one "-m mark --mark N -j TTL --ttl-set N" rule per
# value); NFQUEUE with no program on the queue: which datagrams get through.
# tests/unit/test_ext_misc.c replays the same frames through the
# targets and expects the same.
#
#   usage: tests/kernel/ext_misc_probe.sh   (root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

upt_init
upt_topo_gw
upt_sysctl gw net.ipv4.ip_forward=1
upt_x srv iptables -A INPUT -j DROP
{
	echo "*raw"
	# conntrack on (HMARK --hmark-tuple ct needs an entry; HMARK itself does not ask for one)
	echo "-A PREROUTING -m conntrack --ctstate NEW,ESTABLISHED"
	echo "COMMIT"
	echo "*mangle"
	echo "-A FORWARD -p tcp -m tcp --dport 4001 -j TCPOPTSTRIP --strip-options mss,wscale"
	echo "-A FORWARD -p tcp -m tcp --dport 4002 -j TCPOPTSTRIP --strip-options sack-permitted"
	echo "-A FORWARD -p tcp -m tcp --dport 4003 -j ECN --ecn-tcp-remove"
	echo "-A FORWARD -p tcp -m tcp --dport 4004 -j ECN --ecn-tcp-cwr 1 --ecn-ip-ect 2"
	echo "-A FORWARD -p tcp -m tcp --dport 4005 -j ECN --ecn-ip-ect 0"
	echo "-A FORWARD -p udp -m udp --dport 5001 -j HMARK --hmark-tuple src,dst,sport,dport,proto --hmark-rnd 0x12345678 --hmark-mod 200 --hmark-offset 1"
	echo "-A FORWARD -p udp -m udp --dport 5002 -j HMARK --hmark-src-prefix 24 --hmark-dst-prefix 16 --hmark-sport-mask 0xff00 --hmark-dport-mask 0x00ff --hmark-proto-mask 0x0f --hmark-rnd 0xdeadbeef --hmark-mod 200 --hmark-offset 1"
	echo "-A FORWARD -p udp -m udp --dport 5003 -j HMARK --hmark-tuple ct --hmark-src-prefix 32 --hmark-dst-prefix 32 --hmark-sport-mask 0xffff --hmark-dport-mask 0xffff --hmark-rnd 5 --hmark-mod 200 --hmark-offset 1"
	echo "-A FORWARD -p udp -m udp --dport 5004 -j HMARK --hmark-tuple src,dst --hmark-rnd 0 --hmark-mod 200 --hmark-offset 1"
	echo "-A FORWARD -p tcp -m tcp --dport 5005 -j HMARK --hmark-tuple sport,dport --hmark-sport 0x0001 --hmark-rnd 0xabcdef01 --hmark-mod 200 --hmark-offset 1"
	echo "-A FORWARD -p icmp -j HMARK --hmark-tuple src,dst,proto,sport,dport --hmark-rnd 77 --hmark-mod 200 --hmark-offset 1"
	# no program listens on any queue: dropped, or passed on with --queue-bypass
	echo "-A FORWARD -p udp -m udp --dport 6001 -j NFQUEUE --queue-num 9"
	echo "-A FORWARD -p udp -m udp --dport 6002 -j NFQUEUE --queue-num 9 --queue-bypass"
	echo "-A FORWARD -p udp -m udp --dport 6003 -j NFQUEUE --queue-balance 3:4 --queue-cpu-fanout"
	for n in $(seq 1 200); do echo "-A FORWARD -m mark --mark $n -j TTL --ttl-set $n"; done
	echo "COMMIT"
} >"$UPT_TMP/rules.v4"
upt_x gw iptables-restore "$UPT_TMP/rules.v4"
upt_cap_start srv eth0 in "$UPT_TMP/srv.pcap" "tcp or udp or icmp"
(cd "$here" && upt_fg /usr/bin/python3 ext_misc_probe.py send "$UPT_PREFIX")
upt_cap_stop_all
(cd "$here" && /usr/bin/python3 ext_misc_probe.py report "$UPT_TMP/srv.pcap")
