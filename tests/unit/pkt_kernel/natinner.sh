#!/bin/bash
# Kernel differential check of upt_pdesc_set_inner_*(): an ICMP error about
# a SNATed packet, as the kernel's nf_nat_icmp_reply_translation() rewrites
# it, against our rewriters applied to the very same frame.
#
#   client C 10.1.0.2 --- gateway G (SNAT to 10.2.0.1:40000) --- server S 10.2.0.2
#
# C sends UDP/TCP/ICMP from port (id) 5000; S captures the SNATed packet and
# answers with a crafted port-unreachable quoting its IP header and N
# transport bytes; C captures what G forwarded.  natinner_rw (built here
# from src/pkt) applies inner source address + port, outer destination and
# TTL-1 to S's frame; the IP bytes must be identical, checksums included.
# Needs root, ip, iptables, ethtool, gcc, /usr/bin/python3 with scapy.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d /tmp/upt-pkt-natinner-XXXXXX)
C=upt_nxC$$; G=upt_nxG$$; S=upt_nxS$$
cleanup() {
	for n in $C $G $S; do ip netns del $n 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

gcc -std=c11 -D_GNU_SOURCE -O1 -I"$root/include" -I"$root/src" "$here/natinner_rw.c" \
	"$root"/src/pkt/*.c -o "$work/rw" || exit 1

setup() {
	local proto=$1 x
	for n in $C $G $S; do
		ip netns add $n
		ip netns exec $n ip link set lo up
		ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	done
	ip link add eth0 netns $C address 02:00:00:00:01:02 type veth peer name a0 netns $G address 02:00:00:00:01:01
	ip link add eth0 netns $S address 02:00:00:00:02:02 type veth peer name a1 netns $G address 02:00:00:00:02:01
	ip netns exec $C ip addr add 10.1.0.2/24 dev eth0
	ip netns exec $S ip addr add 10.2.0.2/24 dev eth0
	ip netns exec $G ip addr add 10.1.0.1/24 dev a0
	ip netns exec $G ip addr add 10.2.0.1/24 dev a1
	for x in "$C eth0" "$S eth0" "$G a0" "$G a1"; do
		set -- $x
		ip netns exec $1 ip link set $2 up
		ip netns exec $1 ethtool -K $2 tx off rx off tso off gso off gro off >/dev/null 2>&1
	done
	ip netns exec $C ip route add default via 10.1.0.1
	ip netns exec $S ip route add default via 10.2.0.1
	ip netns exec $C ip neigh replace 10.1.0.1 lladdr 02:00:00:00:01:01 dev eth0 nud permanent
	ip netns exec $G ip neigh replace 10.1.0.2 lladdr 02:00:00:00:01:02 dev a0 nud permanent
	ip netns exec $G ip neigh replace 10.2.0.2 lladdr 02:00:00:00:02:02 dev a1 nud permanent
	ip netns exec $S ip neigh replace 10.2.0.1 lladdr 02:00:00:00:02:01 dev eth0 nud permanent
	ip netns exec $G sysctl -qw net.ipv4.ip_forward=1
	ip netns exec $G iptables -t nat -A POSTROUTING -o a1 -p $proto -j SNAT --to-source 10.2.0.1:40000
	# S's own stack must not answer (its error would reach C first).
	ip netns exec $S iptables -A INPUT -p $proto -j DROP
	sleep 0.5
}

teardown() {
	for n in $C $G $S; do ip netns del $n 2>/dev/null; done
}

pass=0; fail=0
one() {
	local proto=$1 quote=$2 zero=$3 mine kern
	setup $proto
	rm -f "$work/sent.hex" "$work/got.hex"
	ip netns exec $S /usr/bin/python3 "$here/natinner_server.py" $proto $quote $zero "$work/sent.hex" &
	local sp=$!
	sleep 1
	ip netns exec $C /usr/bin/python3 "$here/natinner_client.py" $proto "$work/got.hex" $zero
	wait $sp
	teardown
	if [ ! -s "$work/sent.hex" ] || [ ! -s "$work/got.hex" ]; then
		echo "$proto quote=$quote udp_csum0=$zero: FAIL (nothing captured)"; fail=$((fail + 1)); return
	fi
	mine=$("$work/rw" 10.1.0.2 5000 10.1.0.2 < "$work/sent.hex")
	kern=$(cat "$work/got.hex")
	if [ "$mine" = "$kern" ]; then
		echo "$proto quote=$quote udp_csum0=$zero: identical"; pass=$((pass + 1))
	else
		echo "$proto quote=$quote udp_csum0=$zero: FAIL"; echo "  ours   $mine"; echo "  kernel $kern"
		fail=$((fail + 1))
	fi
}

for c in "udp 32 0" "udp 8 0" "udp 32 1" "tcp 44 0" "tcp 30 0" "tcp 20 0" "tcp 12 0" "tcp 8 0" \
	"icmp 32 0" "icmp 8 0"; do
	one $c
done
echo "pkt_kernel natinner: $pass passed, $fail failed"
[ $fail -eq 0 ]
