"""MASQUERADE with source port clashes (tests/kernel/scenarios/masq_clash).

srv and cl2 both talk to cl from the same source ports: TCP from 5000 to
cl:80, UDP from 5000, 600 and 100 to cl:53.  srv goes first and keeps its
ports; each of cl2's flows would have the same reply tuple, so the kernel
gives it another source port, at random in the class of the original port
(docs/kernel-facts.md §6): 1024-65535 for 5000, 512-1023 for 600, 1-511 for
100.  The runner pairs the kernel's ports with ours one to one, within the
same class (port-range), rewrites the replies in the kernel's input to our
ports and then compares every frame exactly (pcapdiff.py --map-ports).
"""
import socket
import sys

from scen_common import CL, Lab, say, tcp_exchange, udp_roundtrip


def main():
    lab = Lab()
    ls = lab.sock("cl", socket.SOCK_STREAM, ("0.0.0.0", 80))
    ls.listen(4)
    us = lab.sock("cl", socket.SOCK_DGRAM, ("0.0.0.0", 53))
    for host in ("srv", "cl2"):
        c = lab.sock(host, socket.SOCK_STREAM, ("0.0.0.0", 5000))
        tcp_exchange(lab, c, ls, (CL, 80), "tcp %s:5000" % host)
    for port in (5000, 600, 100):
        for host in ("srv", "cl2"):
            u = lab.sock(host, socket.SOCK_DGRAM, ("0.0.0.0", port))
            udp_roundtrip(lab, u, us, (CL, 53), "udp %s:%d" % (host, port))
            u.close()
    lab.snap("end")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
