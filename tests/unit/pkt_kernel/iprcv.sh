#!/bin/bash
# Kernel check for src/pkt's IPv4 header rules: sends malformed frames over a
# veth into a private namespace and reads which ip_rcv_core() counter each
# one hits (the expected counters are in iprcv.py, next to the
# drop reason upt_pkt_parse_eth() gives the same frame in tests/unit/test_pkt.c).
# Needs root, ip, nstat, /usr/bin/python3 with scapy.  Namespaces are unique
# and deleted on every exit path.
set -u
A=upt_pktA$$; B=upt_pktB$$
cleanup() { ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null; }
trap cleanup EXIT INT TERM
ip netns add "$A" && ip netns add "$B" || exit 1
ip link add va netns "$A" type veth peer name vb netns "$B" || exit 1
for n in "$A" "$B"; do
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$n" ip link set lo up
done
ip netns exec "$A" ip addr add 10.99.0.1/24 dev va
ip netns exec "$A" ip link set va up
ip netns exec "$B" ip addr add 10.99.0.2/24 dev vb
ip netns exec "$B" ip link set vb up
ip netns exec "$A" ethtool -K va tx off >/dev/null 2>&1
macb=$(ip netns exec "$B" cat /sys/class/net/vb/address)
sleep 0.5
ip netns exec "$A" /usr/bin/python3 "$(dirname "$0")/iprcv.py" "$macb" "$B"
