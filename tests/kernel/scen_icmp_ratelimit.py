"""ICMP error rate limit (tests/kernel/scenarios/icmp_ratelimit).

cl sends bursts of TTL-1 UDP probes toward srv, each of which expires at the
gateway; the kernel answers with ICMP time exceeded only as its per-destination
limit allows (net.ipv4.icmp_ratelimit 1000 ms, with a burst; icmp_ratemask has
time exceeded).  Bursts: 10 probes 20 ms apart; 1.5 s later 4 more; 0.5 s
later 2 more; 3 s later 8 more.  The runner masks the IP ID of the gateway's
errors (random in the kernel).
"""
import sys
import time

from scapy.all import IP, UDP, Raw

from scen_common import CL, SRV, Lab, say


def main():
    lab = Lab()
    lab.deaf("cl")
    port = 33434
    for pause, count in ((0, 10), (1.5, 4), (0.5, 2), (3.0, 8)):
        time.sleep(pause)
        for _ in range(count):
            p = IP(src=CL, dst=SRV, ttl=1, id=port) / UDP(sport=40000, dport=port) / Raw(b"x" * 8)
            lab.send("cl", p, settle=0.02)
            port += 1
        say("burst of %d after %.1f s" % (count, pause))
    lab.snap("end")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
