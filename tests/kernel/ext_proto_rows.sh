#!/usr/bin/env bash
# Kernel verdicts for the transport-protocol matches (sctp, dccp, esp, ipcomp) (see ext_proto_rows.py): prints
# the C table rows that tests/unit/test_ext_proto.c holds as kernel_* tables.
#
#   usage: tests/kernel/ext_proto_rows.sh sctp|dccp|spi|short|nft   (root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernel/lib.sh
. "$here/lib.sh"

upt_init
upt_ns_add h
upt_x h /usr/bin/python3 "$here/ext_proto_rows.py" "$1"
