"""SNAT with a port range and forced clashes (tests/kernel/scenarios/snat_ports).

TCP: srv:5000, cl2:5000 and srv:5001 connect to cl:80 and stay open together.
Their original ports are outside --to-source 198.51.100.1:20000-20001, so
every connection needs a port from the range: the first two get one each,
the third finds both taken (its reply tuple would clash) and its SYNs are
dropped; its connect() gives up after one retransmission.  Then all close.
UDP: srv:6000 and cl2:6000 to cl:53 through 21000-21001.

The kernel starts its search in the range at a random offset (SNAT), so
which of the two ports a connection gets is random: the runner pairs the
kernel's ports with ours in connection order (pcapdiff.py --map-ports) and
requires the pairing to be one to one and inside the range everywhere.
"""
import socket
import sys
import time

from scen_common import CL, Lab, say, udp_roundtrip


def main():
    lab = Lab()
    ls = lab.sock("cl", socket.SOCK_STREAM, ("0.0.0.0", 80))
    ls.listen(8)
    ls.settimeout(3)
    conns = []
    for host, port in (("srv", 5000), ("cl2", 5000)):
        c = lab.sock(host, socket.SOCK_STREAM, ("0.0.0.0", port))
        c.settimeout(3)
        c.connect((CL, 80))
        s, peer = ls.accept()
        say("tcp %s:%d: server saw %s:%d" % (host, port, peer[0], peer[1]))
        c.sendall(b"x")
        say("  server got %r" % s.recv(10))
        conns.append((c, s))
    lab.snap("two connections")
    c3 = lab.sock("srv", socket.SOCK_STREAM, ("0.0.0.0", 5001))
    c3.settimeout(1.5)
    try:
        c3.connect((CL, 80))
        say("tcp srv:5001: connected (unexpected)")
    except OSError as e:
        say("tcp srv:5001: %s" % e)
    c3.close()
    lab.snap("third connection failed")
    for c, s in conns:
        c.close()
        time.sleep(0.05)
        s.close()
        time.sleep(0.1)
    us = lab.sock("cl", socket.SOCK_DGRAM, ("0.0.0.0", 53))
    for host in ("srv", "cl2"):
        u = lab.sock(host, socket.SOCK_DGRAM, ("0.0.0.0", 6000))
        udp_roundtrip(lab, u, us, (CL, 53), "udp " + host)
        u.close()
    lab.snap("after udp")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
