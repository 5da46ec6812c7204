#!/usr/bin/env bash
# Kernel verdicts for the packet-group matches (see ext_packet_rows.py): prints
# the C table rows that tests/unit/test_ext_packet.c holds as kernel_* tables.
#
#   usage: tests/kernel/ext_packet_rows.sh string|u32|pkttype   (root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

upt_init
upt_ns_add h
upt_x h ip link add d0 type veth peer name d1
upt_x h ip link set d1 up
upt_x h ip addr add 10.9.0.1/24 dev d0
upt_x h ip link set d0 up
upt_x h ip neigh replace 10.9.0.2 lladdr 02:00:00:00:09:02 dev d0 nud permanent
upt_x h /usr/bin/python3 "$here/ext_packet_rows.py" "$1"
