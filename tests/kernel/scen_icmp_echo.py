"""ICMP echo through NAT (tests/kernel/scenarios/icmp_echo).

srv and cl2 ping cl through MASQUERADE, cl pings 198.51.100.1, which the DNAT
rule sends on to srv; two requests each, every one answered by the target's
own stack.  The echo identifiers are fixed and distinct (raw sockets), so no
identifier needs changing and every frame must match exactly.
"""
import socket
import struct
import sys
import time

from nsutil import netns
from scen_common import CL, GW0, Lab, say


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return 0xFFFF - s


def echo(ident, seq):
    payload = b"uptables-echo-%04x-%d" % (ident, seq)
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    return struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload


def ping(lab, host, dst, ident):
    with netns(lab.ns(host)):
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(2)
    for seq in (1, 2):
        s.sendto(echo(ident, seq), (dst, 0))
        while True:
            data, peer = s.recvfrom(2000)
            ihl = (data[0] & 15) * 4
            t, _, _, i, q = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if t == 0 and i == ident and q == seq:
                say("%s: echo reply id %#x seq %d from %s" % (host, i, q, peer[0]))
                break
        time.sleep(0.1)
    s.close()


def main():
    lab = Lab()
    ping(lab, "srv", CL, 0x101)
    ping(lab, "cl2", CL, 0x102)
    ping(lab, "cl", GW0, 0x103)
    lab.snap("after pings")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
