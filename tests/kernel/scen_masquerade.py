"""MASQUERADE of LAN clients (tests/kernel/scenarios/masquerade).

srv (192.168.1.2, eth1) and cl2 (192.168.2.2, eth2) each open one TCP
connection and one UDP exchange to the internet host cl (198.51.100.2).  Their
source ports are fixed and distinct, so MASQUERADE keeps them (no clash, no
random choice): every forwarded frame must match the kernel's exactly.
"""
import socket
import sys

from scen_common import CL, Lab, say, tcp_exchange, udp_roundtrip


def main():
    lab = Lab()
    ls = lab.sock("cl", socket.SOCK_STREAM, ("0.0.0.0", 80))
    ls.listen(4)
    us = lab.sock("cl", socket.SOCK_DGRAM, ("0.0.0.0", 53))
    for host, port in (("srv", 40001), ("cl2", 40002)):
        c = lab.sock(host, socket.SOCK_STREAM, ("0.0.0.0", port))
        tcp_exchange(lab, c, ls, (CL, 80), "tcp " + host)
        lab.snap("after tcp from " + host)
    for host, port in (("srv", 5301), ("cl2", 5302)):
        u = lab.sock(host, socket.SOCK_DGRAM, ("0.0.0.0", port))
        udp_roundtrip(lab, u, us, (CL, 53), "udp " + host)
        u.close()
        lab.snap("after udp from " + host)
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
