"""Frames for tests/kernel/ext_rate_diff.sh: UDP to 10.77.0.1 from one source per
scenario of ext_rate_rules.v4, in bursts (all of a burst in one sendp call, so
within a few milliseconds) with pauses between them.  Run in the client namespace."""

import time
import sys

from scapy.all import Ether, IP, UDP, Raw, sendp  # noqa: E402

GW_MAC, CL_MAC, IFACE, PHASE = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]


def frames(src, n, size=100, dport=9999, ttl=64, dst="10.77.0.1"):
    pad = b"\0" * (size - 28)
    return [Ether(src=CL_MAC, dst=GW_MAC) / IP(src=src, dst=dst, id=i + 1, ttl=ttl) /
            UDP(sport=40000, dport=dport) / Raw(pad) for i in range(n)]


def burst(fs):
    sendp(fs, iface=IFACE, verbose=False)


if PHASE == "2":
    # after ext_rate_rules2.v4: K still lists .1, HK's bucket is still empty, a new quota
    burst(frames("10.77.4.1", 2) + frames("10.77.4.2", 2) + frames("10.77.4.3", 3))
    # rules the change did not touch keep their state: the quota stays used up, the nth
    # counter goes on
    burst(frames("10.77.0.17", 3) + frames("10.77.0.18", 4))
    sys.exit(0)

burst(frames("10.77.4.1", 1) + frames("10.77.4.2", 3) + frames("10.77.4.3", 3))
# forwarded to 10.88.0.2: --rttl compares the TTL before forwarding (FORWARD sees one
# less, xt_recent adds it back); owner sees no socket in POSTROUTING
burst(frames("10.77.5.1", 1, dport=1000) +
      frames("10.77.5.1", 1, dst="10.88.0.2") + frames("10.77.5.1", 1, dst="10.88.0.2", ttl=10) +
      frames("10.77.5.1", 1, dst="10.88.0.2", ttl=65))
burst(frames("10.77.0.11", 12))           # limit 2/sec burst 4: 4
burst(frames("10.77.0.12", 6))            # hashlimit per source, burst 3: 3 + 3
burst(frames("10.77.0.13", 6))
burst(frames("10.77.0.14", 40))           # 1kb/s burst 2kb, 100-byte packets: 27
burst(frames("10.77.0.15", 6))            # rate-match 2/sec burst 1: 3
burst(frames("10.77.0.16", 5, dport=1) + frames("10.77.0.16", 3, dport=2))
burst(frames("10.77.0.17", 10))           # quota 450: 4
burst(frames("10.77.0.18", 9))            # nth every 3 packet 1: 3, the rest random p=1
burst(frames("10.77.0.19", 6))            # recent: 3 set, 3 dropped
burst(frames("10.77.0.20", 2))            # not in R: ! --rcheck matches
burst(frames("10.77.0.21", 2))            # time, NFLOG
# recent LRU: 101 addresses into a list of 100 (ip_list_tot), .1 refreshed half way
burst([f for i in range(1, 51) for f in frames("10.77.1.%d" % i, 1, dport=1000)])
burst(frames("10.77.1.1", 1, dport=1000))
burst([f for i in range(51, 102) for f in frames("10.77.1.%d" % i, 1, dport=1000)])
burst([f for i in (1, 2, 3, 101) for f in frames("10.77.1.%d" % i, 1, dport=2000)])  # 3 listed
# --rttl: set with TTL 64, checked with 64 (match) and 10 (no match)
burst(frames("10.77.2.1", 1, dport=1000) + frames("10.77.2.1", 1, dport=2000) +
      frames("10.77.2.1", 1, dport=2000, ttl=10))
# reap: P lists the destination 10.77.0.1 now; 1.9 s later a reaping check drops it
burst(frames("10.77.3.7", 1, dport=1000) + frames("10.77.3.7", 1, dport=4000))
time.sleep(0.7)
burst(frames("10.77.0.11", 3))            # 0.7 s refilled one token (0.5 s each)
burst(frames("10.77.0.15", 2))            # same rate-match window or next: see the counts
time.sleep(1.2)
burst(frames("10.77.0.12", 2))            # a second later: one more token
burst(frames("10.77.0.15", 2))
burst(frames("10.77.0.20", 1))
burst(frames("10.77.3.7", 1, dport=1001))  # lists the source 10.77.3.7
burst(frames("10.77.3.7", 1, dport=3000))  # matches, and reaps the oldest entry (10.77.0.1)
burst(frames("10.77.3.7", 1, dport=4000))  # 10.77.0.1 is gone: no match
