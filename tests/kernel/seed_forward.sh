#!/usr/bin/env bash
# Seed scenario: one TCP connection from the internet side through a DNATing,
# forwarding gateway to a server, observed on the real kernel.
#
#   usage: seed_forward.sh OUTDIR
#
# Runs twice, each time on a fresh set of namespaces (see upt_topo_gw in lib.sh):
#   OUTDIR/ok/    the rules below, the connection completes and closes;
#   OUTDIR/drop/  the same without the ESTABLISHED,RELATED rule: the server's
#                 replies die in FORWARD and the client gives up.
# Each directory gets gw-<dev>-<in|out>.pcap (+ .txt decodes), conntrack.txt
# (/proc/net/nf_conntrack and conntrack -L at every step, timeouts included),
# iptables-save.txt (with counters), timeline.txt (all frames in time order),
# driver.txt; a summary goes to stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

[ $# -eq 1 ] || upt_die "usage: $0 OUTDIR"
outdir=$1
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

run_variant() {
	local variant=$1 out=$2 f
	upt_init
	rm -rf "$out"; mkdir -p "$out"
	upt_topo_gw
	upt_sysctl gw net.ipv4.ip_forward=1
	upt_x gw iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to 192.168.1.2:8080
	upt_x gw iptables -P FORWARD DROP
	upt_x gw iptables -A FORWARD -p tcp -d 192.168.1.2 --dport 8080 -j ACCEPT
	if [ "$variant" = ok ]; then
		upt_x gw iptables -A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT
	fi
	upt_cap_gw "$out"
	local rc=0
	upt_fg /usr/bin/python3 "$here/seed_tcp.py" "$variant" "$(upt_ns cl)" "$(upt_ns gw)" \
		"$(upt_ns srv)" "$out/conntrack.txt" >"$out/driver.txt" 2>&1 || rc=$?
	upt_cap_stop_all
	upt_x gw iptables-save -c >"$out/iptables-save.txt"
	for f in "$out"/*.pcap; do
		upt_pcap_text "$f" >"${f%.pcap}.txt"
	done
	upt_pcap_timeline eth0-in="$out/gw-eth0-in.pcap" eth1-out="$out/gw-eth1-out.pcap" \
		eth1-in="$out/gw-eth1-in.pcap" eth0-out="$out/gw-eth0-out.pcap" >"$out/timeline.txt"

	echo "== $variant (driver exit $rc)"
	sed 's/^/   driver: /' "$out/driver.txt"
	for f in "$out"/*.pcap; do
		printf '   %-18s %3d frames\n' "$(basename "$f")" "$(upt_pcap_count "$f")"
	done
	echo "   final /proc/net/nf_conntrack:"
	awk '/^=== .* final: \/proc|after client gave up: \/proc/{p=1;next} /^===/{p=0} p' \
		"$out/conntrack.txt" | sed 's/^/     /'
	echo "   FORWARD counters:"
	grep -E '^(:FORWARD|\[[0-9]+:[0-9]+\] -A FORWARD)' "$out/iptables-save.txt" | sed 's/^/     /'
	upt_cleanup
	[ "$rc" -eq 0 ] || status=1
}

# Both variants run in this shell, one after the other, each on fresh
# namespaces; the EXIT trap set by upt_init covers every exit path.
status=0
run_variant ok "$outdir/ok"
run_variant drop "$outdir/drop"
exit $status
