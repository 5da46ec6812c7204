#!/usr/bin/env bash
# The rate-group matches on the real kernel and in uptables-sim, on the same frames.
#
# A client namespace sends bursts of UDP frames (ext_rate_send.py) to a host
# namespace whose INPUT chain holds ext_rate_rules.v4; the frames are captured as
# they enter the host (kernel receive timestamps).  The same capture is replayed
# through uptables-sim with the same rules, and every rule's packet/byte counters
# from `iptables-save -c` must be equal.  Covered: limit (burst, refill), hashlimit
# (per-source buckets shared by name, byte mode with burst refills, rate-match,
# above with srcip,dstport), quota, statistic nth/random, recent (update with
# hitcount/seconds, ! --rcheck, a list of 100 forgetting its least recently seen
# address, --rttl, --rdest, --reap), time, NFLOG (counted, continues); and a rules
# change between two phases (ext_rate_rules2.v4): named recent lists and hashlimit
# tables that the new rules still name are kept, with their first configuration,
# a quota starts again; forwarded frames: recent --rttl in FORWARD (the TTL before
# forwarding) and owner in mangle POSTROUTING (no socket).
# The scenarios keep clear of the kernel's own timing noise: bursts are sent in
# one go, pauses are long against the rates, and the rate-match rule's entries do
# not expire (the kernel's garbage collection runs at a phase the capture cannot
# show).  Checked identical on kernel 6.18 (HZ=250), iptables 1.8.9 nft.
#
#   usage: tests/kernel/ext_rate_diff.sh [path/to/uptables-sim]   (root; after make)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sim=${1:-$here/../../build/uptables-sim}
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

upt_init
upt_ns_add h
upt_ns_add c
upt_ns_add s
upt_link_add c eth0 02:00:00:00:77:02 h eth0 02:00:00:00:77:01
upt_link_add h eth1 02:00:00:00:88:01 s eth0 02:00:00:00:88:02
upt_addr_add h eth0 10.77.0.1/24
upt_addr_add h eth1 10.88.0.1/24
upt_addr_add s eth0 10.88.0.2/24
upt_neigh_add h eth1 10.88.0.2 02:00:00:00:88:02
upt_sysctl h net.ipv4.ip_forward=1
upt_sysctl h net.ipv4.conf.all.rp_filter=0
upt_sysctl h net.ipv4.conf.eth0.rp_filter=0
upt_x h iptables-restore <"$here/ext_rate_rules.v4"
upt_cap_start h eth0 in "$UPT_TMP/in.pcap" udp
upt_x c /usr/bin/python3 "$here/ext_rate_send.py" 02:00:00:00:77:01 02:00:00:00:77:02 eth0 1
# A rules change between two phases, at a time both sides agree on (the capture's clock
# is the kernel's real-time clock).
sleep 0.2
at=$(date +%s.%N)
upt_x h iptables-restore --noflush <"$here/ext_rate_rules2.v4"
sleep 0.2
upt_x c /usr/bin/python3 "$here/ext_rate_send.py" 02:00:00:00:77:01 02:00:00:00:77:02 eth0 2
upt_cap_stop_all
for t in filter mangle; do
	upt_x h iptables-save -c -t $t | grep '^\[' >>"$UPT_TMP/kernel.txt"
done

cat >"$UPT_TMP/gw.conf" <<CONF
link eth0 address 02:00:00:00:77:01
link eth1 address 02:00:00:00:88:01
addr add 10.77.0.1/24 dev eth0
addr add 10.88.0.1/24 dev eth1
neigh add 10.88.0.2 lladdr 02:00:00:00:88:02 dev eth1
sysctl net.ipv4.ip_forward=1
CONF
"$sim" --config "$UPT_TMP/gw.conf" --rules "$here/ext_rate_rules.v4" \
	--in eth0="$UPT_TMP/in.pcap" --rules-at "$at=$here/ext_rate_rules2.v4" \
	--out "$UPT_TMP/sim" >/dev/null
for t in filter mangle; do
	awk -v t="*$t" '$0 == t { on = 1; next } /^COMMIT/ { on = 0 } on && /^\[/' \
		"$UPT_TMP/sim/iptables-save.txt" >>"$UPT_TMP/sim.txt"
done

echo "frames: $(upt_pcap_count "$UPT_TMP/in.pcap")"
if diff -u "$UPT_TMP/kernel.txt" "$UPT_TMP/sim.txt"; then
	echo "counters identical ($(wc -l <"$UPT_TMP/kernel.txt") rules):"
	cat "$UPT_TMP/kernel.txt"
else
	echo "DIFFERENT (- kernel, + uptables-sim)"
	exit 1
fi
