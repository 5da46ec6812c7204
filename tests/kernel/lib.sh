# shellcheck shell=bash
# tests/kernel/lib.sh: build small networks of hosts in network namespaces and
# observe the real kernel (captures, conntrack dumps, rule counters).
#
# Theory of operation
#   Every object this library creates carries the prefix "upt-$$-" (namespaces,
#   /etc/netns/<ns>/ directories) or lives under one private temp directory, and is
#   recorded in a list as it is created.  upt_cleanup walks those lists in reverse
#   order: background processes (captures, servers) first, then namespaces, then
#   files.  upt_init installs upt_cleanup on EXIT and turns INT/TERM/HUP into an
#   exit, so every exit path (success, failure under set -e, Ctrl-C, kill) removes
#   everything.  Interfaces are created directly inside their namespaces, so nothing
#   ever appears in the root namespace, and traffic can only flow between the
#   namespaces made here.
#
#   Frame-by-frame comparison needs determinism, so every host gets: IPv6 off (no
#   router solicitations or DAD), static permanent neighbours (no ARP), veth offloads
#   off (no partial checksums, no super-frames), and a resolv.conf that points at
#   127.0.0.1 inside the namespace (no name lookup leaves it).
#
#   Captures: tcpdump is started per interface and direction (-Q in / -Q out) with
#   --immediate-mode -U, so each frame is written as soon as the kernel hands it
#   over.  "Ready" is tcpdump's own "listening on" line on stderr, printed after the
#   socket is bound and the filter installed.  "Flushed" is tcpdump having exited
#   after SIGINT: it writes the pcap buffer and closes the file before it exits, and
#   prints its "packets captured" line as the last thing it does.
#
# Usage (from a script that sources this file):
#   . "$(dirname "$0")/lib.sh"
#   upt_init                       # requires root; sets trap; makes $UPT_TMP
#   upt_ns_add gw                  # namespace "upt-<pid>-gw"
#   upt_link_add cl eth0 02:00:00:00:00:02 gw eth0 02:00:00:00:00:01
#   upt_addr_add gw eth0 198.51.100.1/24
#   upt_neigh_add gw eth0 198.51.100.2 02:00:00:00:00:02
#   upt_x gw iptables -S           # run a command in a namespace
#   upt_cap_start gw eth0 in "$out/gw-eth0-in.pcap"
#   ...; upt_cap_stop_all

UPT_PREFIX="upt-$$-"    # upt_init renews it (a subshell gets its own)
UPT_NS=()        # full namespace names, in creation order
UPT_PIDS=()      # background processes started by the library
UPT_CAPS=()      # "pid|pcapfile|errfile" of running captures
UPT_FILES=()     # files and directories to remove on exit
UPT_TMP=""
UPT_VERBOSE=${UPT_VERBOSE:-0}

upt_log() { printf '%s\n' "$*" >&2; }
upt_die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
upt_dbg() { [ "$UPT_VERBOSE" = 1 ] && printf '+ %s\n' "$*" >&2; return 0; }

# Full name of a short namespace name ("gw" -> "upt-1234-gw").
upt_ns() { printf '%s%s' "$UPT_PREFIX" "$1"; }

# Run a command inside a namespace given by its short name.
upt_x() {
	local ns; ns=$(upt_ns "$1"); shift
	upt_dbg "[$ns] $*"
	ip netns exec "$ns" "$@"
}

upt_init() {
	[ "$(id -u)" = 0 ] || upt_die "kernel tests need root"
	UPT_PREFIX="upt-${BASHPID}-"
	UPT_NS=(); UPT_PIDS=(); UPT_CAPS=(); UPT_FILES=()
	local t
	for t in ip iptables conntrack tcpdump ethtool; do
		command -v "$t" >/dev/null || upt_die "missing tool: $t"
	done
	UPT_TMP=$(mktemp -d "/tmp/${UPT_PREFIX}XXXXXX")
	UPT_FILES+=("$UPT_TMP")
	trap upt_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
}

upt_cleanup() {
	local i entry pid
	set +e
	trap - EXIT INT TERM HUP
	# Stop captures (SIGINT lets tcpdump close its file), then everything else.
	for entry in "${UPT_CAPS[@]}"; do
		pid=${entry%%|*}
		kill -INT "$pid" 2>/dev/null
	done
	for ((i = ${#UPT_PIDS[@]} - 1; i >= 0; i--)); do
		pid=${UPT_PIDS[i]}
		kill -TERM "$pid" 2>/dev/null
	done
	for ((i = ${#UPT_PIDS[@]} - 1; i >= 0; i--)); do
		pid=${UPT_PIDS[i]}
		upt_wait_pid "$pid" 2 || kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	# Any process still inside one of our namespaces (a stray child of a command
	# that was run there) would keep nothing alive once the namespace is deleted,
	# but kill it anyway so nothing of ours outlives the test.
	for ((i = ${#UPT_NS[@]} - 1; i >= 0; i--)); do
		for pid in $(ip netns pids "${UPT_NS[i]}" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "${UPT_NS[i]}" 2>/dev/null
		rm -rf "/etc/netns/${UPT_NS[i]}"
	done
	rmdir /etc/netns 2>/dev/null   # only if empty, i.e. nobody else uses it
	for ((i = ${#UPT_FILES[@]} - 1; i >= 0; i--)); do
		rm -rf "${UPT_FILES[i]}"
	done
	UPT_NS=(); UPT_PIDS=(); UPT_CAPS=(); UPT_FILES=()
	# As an EXIT trap this keeps the script's exit status; called directly it
	# must not trip set -e.
	return 0
}

# upt_wait_pid PID SECONDS: wait until PID has exited; 1 if it is still alive.
upt_wait_pid() {
	local pid=$1 n=$(($2 * 20))
	while kill -0 "$pid" 2>/dev/null; do
		# A zombie child counts as exited; reap it.
		if [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ]; then
			return 0
		fi
		n=$((n - 1)); [ "$n" -le 0 ] && return 1
		sleep 0.05
	done
	return 0
}

# upt_ns_add SHORT: a namespace with lo up, IPv6 off, its own resolv.conf, and
# conntrack sysctls at their defaults (they are per namespace).
upt_ns_add() {
	local ns; ns=$(upt_ns "$1")
	mkdir -p "/etc/netns/$ns"
	printf 'nameserver 127.0.0.1\n' >"/etc/netns/$ns/resolv.conf"
	UPT_NS+=("$ns")
	ip netns add "$ns" || upt_die "ip netns add $ns"
	ip -n "$ns" link set lo up
	upt_x "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	upt_x "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	upt_x "$1" sysctl -qw net.ipv6.conf.lo.disable_ipv6=1
}

# upt_link_add NS1 DEV1 MAC1 NS2 DEV2 MAC2: a veth pair between two namespaces,
# fixed MACs, offloads off, both ends up.
upt_link_add() {
	local n1 n2; n1=$(upt_ns "$1"); n2=$(upt_ns "$4")
	ip -n "$n1" link add "$2" address "$3" type veth \
		peer name "$5" address "$6" netns "$n2" || upt_die "veth $1/$2 - $4/$5"
	upt_offload_off "$1" "$2"
	upt_offload_off "$4" "$5"
	# IPv6 was disabled before the device existed ("default" covers it), but be
	# explicit: a link-local address would make the device send MLD/ND frames.
	upt_x "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	upt_x "$4" sysctl -qw "net.ipv6.conf.$5.disable_ipv6=1"
	ip -n "$n1" link set "$2" up
	ip -n "$n2" link set "$5" up
}

upt_offload_off() {
	upt_x "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 ||
		upt_die "ethtool -K $1/$2"
	# rx off as well, as a precaution: older veth drivers marked received frames
	# checksum-verified when rx offload was on, which hides bad checksums from
	# conntrack.  (On 6.18 frames injected with AF_PACKET were checked either
	# way: docs/kernel-facts.md, "bad checksum".)
	# UPT_RX_OFFLOAD=on keeps it (only to re-check that fact).
	[ "${UPT_RX_OFFLOAD:-off}" = on ] && return 0
	upt_x "$1" ethtool -K "$2" rx off >/dev/null 2>&1 || upt_die "ethtool -K $1/$2 rx off"
}

upt_addr_add() { ip -n "$(upt_ns "$1")" addr add "$3" dev "$2" || upt_die "addr $*"; }

# upt_route_add NS ROUTE...: e.g. upt_route_add cl default via 198.51.100.1
upt_route_add() { local ns; ns=$(upt_ns "$1"); shift; ip -n "$ns" route add "$@" || upt_die "route $*"; }

# upt_neigh_add NS DEV IP MAC: a permanent neighbour entry (no ARP on the wire).
upt_neigh_add() {
	ip -n "$(upt_ns "$1")" neigh replace "$3" lladdr "$4" dev "$2" nud permanent ||
		upt_die "neigh $*"
}

upt_sysctl() { upt_x "$1" sysctl -qw "$2" || upt_die "sysctl $1 $2"; }

# upt_bg NS OUTFILE CMD...: run CMD in the background inside NS (stdout+stderr
# to OUTFILE); its pid is recorded for cleanup and left in $UPT_LAST_PID.
upt_bg() {
	local short=$1 out=$2; shift 2
	ip netns exec "$(upt_ns "$short")" "$@" >"$out" 2>&1 &
	UPT_LAST_PID=$!
	UPT_PIDS+=("$UPT_LAST_PID")
}

# upt_fg CMD...: run CMD as a recorded child and wait for it.  A signal to the
# script interrupts the wait at once, so cleanup runs (and stops CMD) without
# first waiting for CMD to finish.  Returns CMD's exit status.
upt_fg() {
	local pid rc=0
	"$@" &
	pid=$!
	UPT_PIDS+=("$pid")
	wait "$pid" || rc=$?
	return "$rc"
}

# upt_wait_listen NS PROTO PORT [SECONDS]: wait until a socket listens (tcp) or is
# bound (udp) on PORT inside NS.
upt_wait_listen() {
	local short=$1 proto=$2 port=$3 n=$((${4:-5} * 20)) opt=-ltnH
	[ "$proto" = udp ] && opt=-lunH
	while ! upt_x "$short" ss $opt "sport = :$port" 2>/dev/null | grep -q .; do
		n=$((n - 1)); [ "$n" -le 0 ] && upt_die "nothing listens on $proto/$port in $short"
		sleep 0.05
	done
}

# upt_cap_start NS DEV in|out|inout FILE [FILTER...]: capture frames of one
# direction of DEV into FILE; returns once tcpdump is ready.
upt_cap_start() {
	local short=$1 dev=$2 dir=$3 file=$4; shift 4
	local err="$UPT_TMP/cap.$$.${RANDOM}.err" n=100 pid
	: >"$file"
	ip netns exec "$(upt_ns "$short")" tcpdump -i "$dev" -Q "$dir" -n -U \
		--immediate-mode -Z root -s 0 -w "$file" "$@" 2>"$err" &
	pid=$!
	UPT_CAPS+=("$pid|$file|$err")
	while ! grep -q 'listening on' "$err" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || upt_die "tcpdump $short/$dev: $(cat "$err")"
		n=$((n - 1)); [ "$n" -le 0 ] && upt_die "tcpdump $short/$dev not ready"
		sleep 0.05
	done
}

# upt_cap_stop_all [SETTLE]: wait SETTLE seconds (default 0.3) for frames still
# in flight, then stop every capture and wait until each file is complete.
# Warns if the kernel dropped frames before tcpdump read them.
# shellcheck disable=SC2120  # SETTLE is optional
upt_cap_stop_all() {
	local settle=${1:-0.3} entry pid file err line
	sleep "$settle"
	for entry in "${UPT_CAPS[@]}"; do
		kill -INT "${entry%%|*}" 2>/dev/null
	done
	for entry in "${UPT_CAPS[@]}"; do
		pid=${entry%%|*}; file=${entry#*|}; file=${file%|*}; err=${entry##*|}
		upt_wait_pid "$pid" 5 || { kill -KILL "$pid"; upt_log "tcpdump $file killed"; }
		wait "$pid" 2>/dev/null
		grep -q 'packets captured' "$err" || upt_log "tcpdump $file: no final count"
		line=$(grep 'dropped by kernel' "$err")
		case $line in
		0\ *|'') ;;
		*) upt_log "WARNING tcpdump $file: $line" ;;
		esac
		rm -f "$err"
	done
	UPT_CAPS=()
}

# upt_pcap_text FILE: one line per frame, no timestamps, link-level headers and
# hex, stable across runs except for fields the kernel chooses at random.
upt_pcap_text() { tcpdump -r "$1" -n -e -vv -t 2>/dev/null; }

# upt_pcap_timeline LABEL=FILE...: the frames of several captures merged in time
# order, one line each, prefixed by LABEL and the time since the first frame.
upt_pcap_timeline() {
	local arg
	for arg in "$@"; do
		tcpdump -r "${arg#*=}" -n -tt 2>/dev/null | sed "s|^|${arg%%=*} |"
	done | sort -k2,2n | awk '{ if (NR == 1) t0 = $2; $2 = sprintf("%9.6f", $2 - t0); print }'
}

upt_pcap_count() { tcpdump -r "$1" -n 2>/dev/null | wc -l; }

# upt_ct_snapshot NS LABEL OUTFILE: append both conntrack views, labelled
# (OUTFILE "-": standard output).
upt_ct_snapshot() {
	local short=$1 label=$2 out=$3
	[ "$out" = - ] && { upt_ct_snapshot_to "$short" "$label"; return; }
	upt_ct_snapshot_to "$short" "$label" >>"$out"
}
upt_ct_snapshot_to() {
	local short=$1 label=$2
	{
		printf '=== %s: /proc/net/nf_conntrack\n' "$label"
		upt_x "$short" cat /proc/net/nf_conntrack
		printf '=== %s: conntrack -L\n' "$label"
		upt_x "$short" conntrack -L 2>"$UPT_TMP/ct.err"
		sed 's/^/# stderr: /' "$UPT_TMP/ct.err"
		printf '\n'
	}
}

# upt_counters NS [TABLE]: the rule counters of a table, exact.
upt_counters() { upt_x "$1" iptables -t "${2:-filter}" -L -n -v -x --line-numbers; }

# upt_topo_gw: the seed topology.
#
#   cl (client)              gw (gateway)                srv (server)
#   eth0 198.51.100.2/24 --- eth0 198.51.100.1/24
#   02:00:00:00:00:02        02:00:00:00:00:01
#                            eth1 192.168.1.1/24 ------- eth0 192.168.1.2/24
#                            02:00:00:00:01:01           02:00:00:00:01:02
#
# With UPT_TOPO_CL2=1 a second inside host: gw eth2 192.168.2.1/24
# (02:00:00:00:02:01) --- cl2 eth0 192.168.2.2/24 (02:00:00:00:02:02).
# Default routes point at the gateway; all neighbours are static; ip_forward
# stays at the kernel default (0): scenarios turn it on.
UPT_MAC_CL=02:00:00:00:00:02
UPT_MAC_GW0=02:00:00:00:00:01
UPT_MAC_GW1=02:00:00:00:01:01
UPT_MAC_SRV=02:00:00:00:01:02
UPT_MAC_GW2=02:00:00:00:02:01
UPT_MAC_CL2=02:00:00:00:02:02
upt_topo_gw() {
	upt_ns_add cl; upt_ns_add gw; upt_ns_add srv
	upt_link_add cl eth0 $UPT_MAC_CL gw eth0 $UPT_MAC_GW0
	upt_link_add gw eth1 $UPT_MAC_GW1 srv eth0 $UPT_MAC_SRV
	upt_addr_add cl eth0 198.51.100.2/24
	upt_addr_add gw eth0 198.51.100.1/24
	upt_addr_add gw eth1 192.168.1.1/24
	upt_addr_add srv eth0 192.168.1.2/24
	upt_route_add cl default via 198.51.100.1
	upt_route_add srv default via 192.168.1.1
	upt_neigh_add cl eth0 198.51.100.1 $UPT_MAC_GW0
	upt_neigh_add gw eth0 198.51.100.2 $UPT_MAC_CL
	upt_neigh_add gw eth1 192.168.1.2 $UPT_MAC_SRV
	upt_neigh_add srv eth0 192.168.1.1 $UPT_MAC_GW1
	if [ "${UPT_TOPO_CL2:-0}" = 1 ]; then
		upt_ns_add cl2
		upt_link_add gw eth2 $UPT_MAC_GW2 cl2 eth0 $UPT_MAC_CL2
		upt_addr_add gw eth2 192.168.2.1/24
		upt_addr_add cl2 eth0 192.168.2.2/24
		upt_route_add cl2 default via 192.168.2.1
		upt_neigh_add gw eth2 192.168.2.2 $UPT_MAC_CL2
		upt_neigh_add cl2 eth0 192.168.2.1 $UPT_MAC_GW2
	fi
}

# upt_cap_gw DIR [IFACES]: capture every frame entering and leaving the gateway's
# interfaces into DIR/gw-<dev>-<in|out>.pcap.
upt_cap_gw() {
	local dir=$1 dev d devs; shift
	devs=("$@"); [ ${#devs[@]} -eq 0 ] && devs=(eth0 eth1)
	for dev in "${devs[@]}"; do
		for d in in out; do
			upt_cap_start gw "$dev" "$d" "$dir/gw-$dev-$d.pcap"
		done
	done
}
