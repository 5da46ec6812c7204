"""Traceroute-style TTL expiry (tests/kernel/scenarios/ttl).

cl sends traceroute's UDP probes (source port 40000, destination ports from
33434 up, one per probe, two probes per TTL), crafted with scapy so that the
bytes are the same every run, first to 198.51.100.1 (the DNAT port forward
to srv), then to 192.168.1.2 directly.  TTL 1 dies at the gateway: ICMP time
exceeded from the gateway, quoting the probe as cl sent it (for the DNATed
ones: translated back).  TTL 2 reaches srv with TTL 1, whose stack answers
port unreachable, which comes back through the NAT (RELATED).  cl's stack
ignores all of it (crafted probes, deaf host); the comparison is the
runner's.  The runner masks the IP ID of the gateway's own ICMP errors (the
kernel picks it at random).  There are four errors from the gateway to cl in
all, within the kernel's per-destination burst of six (icmp_ratelimit), so
none is suppressed (scen_icmp_ratelimit.py is about that).
"""
import sys

from scapy.all import IP, UDP, Raw

from scen_common import CL, GW0, SRV, Lab, say


def main():
    lab = Lab()
    lab.deaf("cl")
    dport = 33434
    for dst in (GW0, SRV):
        for ttl in (1, 2):
            for _ in range(2):
                p = IP(src=CL, dst=dst, ttl=ttl, id=dport) / UDP(sport=40000, dport=dport) / \
                    Raw(b"\x40" * 32)
                lab.send("cl", p, settle=0.1)
                say("probe ttl %d to %s:%d" % (ttl, dst, dport))
                dport += 1
    lab.snap("after probes")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
