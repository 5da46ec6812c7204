#!/usr/bin/env bash
# One differential scenario on the real kernel.
#
#   usage: scenario.sh NAME OUTDIR
#
# Builds the gateway topology (upt_topo_gw with cl2 on eth2; the hairpin
# scenario puts eth1 on a switch shared by srv and a second LAN host lc),
# loads tests/kernel/scenarios/NAME/rules.v4 into the gateway with
# iptables-restore (the very file uptables-sim gets), captures every frame
# entering and leaving the gateway's interfaces, and runs the scenario's
# driver tests/kernel/scen_NAME.py, which plays every other host in a fixed
# order.  OUTDIR gets gw-<dev>-<in|out>.pcap, conntrack.txt (the gateway's
# table at every step the driver chose, last one "final"), iptables-save.txt
# (with counters), driver.txt and, from some drivers, extra files the runner
# reads (rules-at.txt, local-nflog.pcap).
#
# The gateway's own settings that are not defaults are exactly those in
# scenarios/NAME/gateway.conf (ip_forward=1), plus, for hairpin only,
# send_redirects: see the hairpin case below.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

[ $# -eq 2 ] || upt_die "usage: $0 NAME OUTDIR"
name=$1
sdir="$here/scenarios/$name"
[ -f "$sdir/rules.v4" ] || upt_die "no scenario $name"
out=$2
rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)

# cap_nflog FILE: capture NFLOG group 7 of the gateway (registered like upt_cap_start).
cap_nflog() {
	local err="$UPT_TMP/nflog.err" n=100 pid
	ip netns exec "$(upt_ns gw)" tcpdump -i nflog:7 -n -U --immediate-mode -Z root -s 0 \
		-w "$1" 2>"$err" &
	pid=$!
	UPT_CAPS+=("$pid|$1|$err")
	while ! grep -q 'listening on' "$err" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || upt_die "tcpdump nflog: $(cat "$err")"
		n=$((n - 1)); [ "$n" -le 0 ] && upt_die "tcpdump nflog not ready"
		sleep 0.05
	done
}

upt_init
devs=(eth0 eth1 eth2)
case $name in
hairpin*)
	# cl — gw eth0; gw eth1 — switch — srv, lc (all 192.168.1.0/24).
	UPT_MAC_LC=02:00:00:00:01:03
	upt_ns_add cl; upt_ns_add gw; upt_ns_add srv; upt_ns_add lc; upt_ns_add sw
	upt_link_add cl eth0 "$UPT_MAC_CL" gw eth0 "$UPT_MAC_GW0"
	upt_link_add gw eth1 "$UPT_MAC_GW1" sw p1 02:00:00:00:0f:01
	upt_link_add srv eth0 "$UPT_MAC_SRV" sw p2 02:00:00:00:0f:02
	upt_link_add lc eth0 "$UPT_MAC_LC" sw p3 02:00:00:00:0f:03
	# No multicast snooping: the bridge would send IGMP reports of its own
	# into the captures at random moments.
	upt_x sw ip link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
	upt_x sw sysctl -qw net.ipv6.conf.br0.disable_ipv6=1
	for p in p1 p2 p3; do upt_x sw ip link set "$p" master br0; done
	upt_x sw ip link set br0 up
	upt_addr_add cl eth0 198.51.100.2/24
	upt_addr_add gw eth0 198.51.100.1/24
	upt_addr_add gw eth1 192.168.1.1/24
	upt_addr_add srv eth0 192.168.1.2/24
	upt_addr_add lc eth0 192.168.1.3/24
	upt_route_add cl default via 198.51.100.1
	upt_route_add srv default via 192.168.1.1
	upt_route_add lc default via 192.168.1.1
	upt_neigh_add cl eth0 198.51.100.1 "$UPT_MAC_GW0"
	upt_neigh_add gw eth0 198.51.100.2 "$UPT_MAC_CL"
	upt_neigh_add gw eth1 192.168.1.2 "$UPT_MAC_SRV"
	upt_neigh_add gw eth1 192.168.1.3 "$UPT_MAC_LC"
	upt_neigh_add srv eth0 192.168.1.1 "$UPT_MAC_GW1"
	upt_neigh_add srv eth0 192.168.1.3 "$UPT_MAC_LC"
	upt_neigh_add lc eth0 192.168.1.1 "$UPT_MAC_GW1"
	upt_neigh_add lc eth0 192.168.1.2 "$UPT_MAC_SRV"
	# send_redirects stays at the kernel default (1), as in the engine: the
	# kernel's NAT drops the redirect of a NATed connection, so none leaves
	# here.  UPT_SEND_REDIRECTS=0 turns them off on the kernel for a trial.
	if [ "${UPT_SEND_REDIRECTS:-1}" != 1 ]; then
		for k in all default eth1; do upt_sysctl gw "net.ipv4.conf.$k.send_redirects=0"; done
	fi
	devs=(eth0 eth1)
	;;
arp | arp_fail)
	# The seed topology without a single static neighbour: every MAC is
	# learned with ARP, by the hosts and by the gateway.
	upt_ns_add cl; upt_ns_add gw; upt_ns_add srv
	upt_link_add cl eth0 "$UPT_MAC_CL" gw eth0 "$UPT_MAC_GW0"
	upt_link_add gw eth1 "$UPT_MAC_GW1" srv eth0 "$UPT_MAC_SRV"
	upt_addr_add cl eth0 198.51.100.2/24
	upt_addr_add gw eth0 198.51.100.1/24
	upt_addr_add gw eth1 192.168.1.1/24
	upt_addr_add srv eth0 192.168.1.2/24
	upt_route_add cl default via 198.51.100.1
	upt_route_add srv default via 192.168.1.1
	devs=(eth0 eth1)
	;;
*)
	UPT_TOPO_CL2=1 upt_topo_gw
	;;
esac
upt_sysctl gw net.ipv4.ip_forward=1
upt_x gw iptables-restore <"$sdir/rules.v4" || upt_die "iptables-restore $sdir/rules.v4"
upt_cap_gw "$out" "${devs[@]}"
if [ -f "$sdir/kernel-nflog" ]; then
	# What the gateway delivers to itself, after PREROUTING's NAT: an NFLOG
	# rule in mangle INPUT, kernel side only (uptables-sim writes local.pcap).
	upt_x gw iptables -t mangle -A INPUT -j NFLOG --nflog-group 7
	cap_nflog "$out/local-nflog.pcap"
fi
rc=0
upt_fg /usr/bin/python3 "$here/scen_$name.py" "$UPT_PREFIX" "$out" >"$out/driver.txt" 2>&1 || rc=$?
# nfnetlink_log batches messages and sends them after its flush timeout (1 s,
# /proc/net/netfilter/nfnetlink_log) when fewer than its queue threshold wait.
[ -f "$sdir/kernel-nflog" ] && sleep 1.3
upt_cap_stop_all
# The final table, and when it was read on the captures' clock: the runner
# compares the remaining seconds with uptables-sim's, shifted by the delay
# since the last frame; the two times bound the moment of the read.
{
	t0=$(date +%s.%N)
	printf '=== final: /proc/net/nf_conntrack\n'
	upt_x gw cat /proc/net/nf_conntrack
	t1=$(date +%s.%N)
	printf '=== final: conntrack -L\n'
	upt_x gw conntrack -L 2>&1
} >>"$out/conntrack.txt"
echo "$t0 $t1" >"$out/final-time.txt"
upt_x gw iptables-save -c >"$out/iptables-save.txt"
for f in "$out"/*.pcap; do
	upt_pcap_text "$f" >"${f%.pcap}.txt"
done
[ "$rc" -eq 0 ] || { echo "driver of $name failed ($rc):"; cat "$out/driver.txt"; }
exit "$rc"
