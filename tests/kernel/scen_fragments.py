"""Fragmented datagrams through NAT (tests/kernel/scenarios/fragments).

cl sends a 3000-byte UDP datagram to the port forward 198.51.100.1:5000; its
stack fragments it for the 1500-byte link.  With conntrack active the kernel
gateway reassembles it before conntrack and NAT (nf_defrag_ipv4) and
fragments it again on the way out to srv, which answers with another
3000-byte datagram, fragmented by srv and handled the same way on its way
back.  Observed on the kernel: the rules and conntrack count one packet of
3028 bytes per datagram, and each goes out as fragments again (same IP ID,
TTL - 1, 1480 + 1480 + 48 bytes of payload, the largest received fragment's
size).
"""
import socket
import sys

from scen_common import GW0, Lab, say


def main():
    lab = Lab()
    s = lab.sock("srv", socket.SOCK_DGRAM, ("0.0.0.0", 5000))
    c = lab.sock("cl", socket.SOCK_DGRAM, ("0.0.0.0", 6000))
    s.settimeout(2)
    c.settimeout(2)
    c.sendto(b"a" * 3000, (GW0, 5000))
    data, peer = s.recvfrom(9000)
    say("srv got %d bytes from %s:%d" % (len(data), peer[0], peer[1]))
    s.sendto(b"b" * 3000, peer)
    data, peer = c.recvfrom(9000)
    say("cl got %d bytes from %s:%d" % (len(data), peer[0], peer[1]))
    lab.snap("end")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
