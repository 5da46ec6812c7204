"""REJECT with each ICMP type (tests/kernel/scenarios/reject_types).

cl sends one UDP datagram (with TOS 0x10, which the error's TOS keeps in
part) to srv's ports 10-15, each rejected by FORWARD with another
--reject-with type: net/host/proto unreachable, net/host/admin prohibited.
Six errors to one destination, within the kernel's burst of six.  The
runner masks the IP ID of the gateway's errors (random in the kernel).
"""
import sys

from scapy.all import IP, UDP, Raw

from scen_common import CL, SRV, Lab, say


def main():
    lab = Lab()
    lab.deaf("cl")
    for port in range(10, 16):
        p = IP(src=CL, dst=SRV, ttl=64, tos=0x10, id=port) / UDP(sport=41000, dport=port) / \
            Raw(b"reject me")
        lab.send("cl", p, settle=0.05)
        say("udp to %s:%d" % (SRV, port))
    lab.snap("end")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
