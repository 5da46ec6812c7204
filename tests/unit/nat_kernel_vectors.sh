#!/usr/bin/env bash
# Ask the running kernel which address NAT picks from a multi-address range,
# so that test_nat_binding.c can pin our jhash-based choice to the kernel's.
#
# Two network namespaces joined by a veth pair; packets are built with scapy
# inside namespace A and go only to namespace B.  Prints one line per packet:
#   <case> <proto> <src> <dst> <sport> <dport> <chosen-address>
# Usage (root): tests/unit/nat_kernel_vectors.sh > vectors.txt
set -eu
A=uptnatA-$$
B=uptnatB-$$
cleanup() { ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

ip netns add "$A"
ip netns add "$B"
ip link add va netns "$A" type veth peer name vb netns "$B"
for ns in "$A" "$B"; do
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$A" addr add 10.99.0.1/24 dev va
ip -n "$B" addr add 10.99.0.2/24 dev vb
ip -n "$A" link set va up
ip -n "$B" link set vb up
ip -n "$B" addr add 10.99.2.1/24 dev vb
ip -n "$A" route add 10.99.2.0/24 via 10.99.0.2
ip -n "$A" route add 10.99.5.0/24 via 10.99.0.2
ip -n "$A" neigh replace 10.99.0.2 lladdr "$(ip -n "$B" -br link show vb | awk '{print $3}')" dev va nud permanent
ip netns exec "$B" iptables -A INPUT -j DROP

# UDP 40000 -> 53 for each "src,dst" pair.  scapy must use a raw IP socket
# (L3RawSocket): its default AF_PACKET sender would bypass netfilter.
send() {
	ip netns exec "$A" /usr/bin/python3 - "$@" <<'PY'
import sys
from scapy.all import IP, UDP, send, conf, L3RawSocket
conf.verb = 0
conf.L3socket = L3RawSocket
for pair in sys.argv[1:]:
    src, dst = pair.split(",")
    send(IP(src=src, dst=dst) / UDP(sport=40000, dport=53))
PY
}

# field of the reply tuple: for SNAT the reply's dst, for DNAT the reply's src
chosen() { # proto src dst which
	ip netns exec "$A" conntrack -L -p "$1" -s "$2" -d "$3" 2>/dev/null |
		awk -v w="$4" '{ n = 0; for (i = 1; i <= NF; i++) if ($i ~ "^" w "=") { n++; if (n == 2) { sub(w "=", "", $i); print $i } } }'
}

run_case() { # name rule-args which srcs... -- dsts...
	local name=$1 table=$2 chain=$3 rule=$4 which=$5
	shift 5
	ip netns exec "$A" iptables -t nat -F
	ip netns exec "$A" iptables -t nat -A "$chain" -p udp $rule
	ip netns exec "$A" conntrack -F 2>/dev/null || true
	local p s d
	send "$@"
	for p in "$@"; do
		s=${p%,*}; d=${p#*,}
		echo "$name udp $s $d 40000 53 $(chosen udp "$s" "$d" "$which")"
	done
}

# Every source once (the address comes from the hash) ...
pairs=()
for i in 1 2 3 7 42 77 128 200 254; do
	pairs+=("10.99.1.$i,10.99.2.1" "10.99.6.$i,10.99.2.77")
done
run_case snat nat POSTROUTING "-o va -j SNAT --to-source 10.99.3.10-10.99.3.20" dst "${pairs[@]}"
run_case snat_persistent nat POSTROUTING "-o va -j SNAT --to-source 10.99.3.10-10.99.3.20 --persistent" dst "${pairs[@]}"
run_case snat_octets nat POSTROUTING "-o va -j SNAT --to-source 10.99.3.250-10.99.4.5" dst "${pairs[@]}"
# ... and a source seen twice: the second connection reuses the first one's
# mapping (find_appropriate_src), whatever its destination hashes to.
rpairs=()
for i in 2 3 7; do rpairs+=("10.99.1.$i,10.99.2.1" "10.99.1.$i,10.99.2.77"); done
run_case snat_reuse nat POSTROUTING "-o va -j SNAT --to-source 10.99.3.10-10.99.3.20" dst "${rpairs[@]}"
dpairs=()
for i in 1 2 3 7 42 77 128 200 254; do dpairs+=("10.99.1.$i,10.99.5.1"); done
run_case dnat nat OUTPUT "-d 10.99.5.1 -j DNAT --to-destination 10.99.2.10-10.99.2.40" src "${dpairs[@]}"
