"""REDIRECT to a port on the gateway (tests/kernel/scenarios/redirect).

A UDP receiver on the gateway (port 5353) reads and never answers.  cl sends
to 198.51.100.1:53 (the gateway's own address) and to 192.168.1.2:53 (a LAN
address: REDIRECT takes it all the same, to eth0's address); srv sends to
198.51.100.2:53 from the LAN side (redirected to eth1's address 192.168.1.1).

What the gateway does here is local delivery: the runner compares the
packets the kernel delivered (an NFLOG copy from mangle INPUT, after
PREROUTING's REDIRECT) with uptables-sim's local.pcap, as IP packets.  The
receiver never answers because uptables-sim has no host stack: a reply
would be traffic the simulator cannot make, and a TCP handshake the same
(so REDIRECT is exercised with UDP only).
"""
import socket
import sys
import time

from scen_common import CL, GW0, SRV, Lab, say


def main():
    lab = Lab()
    r = lab.sock("gw", socket.SOCK_DGRAM, ("0.0.0.0", 5353))
    r.settimeout(2)
    sends = (("cl", 41000, GW0), ("cl", 41001, SRV), ("cl", 41000, GW0),
             ("srv", 41002, CL))
    socks = {}
    for host, sport, dst in sends:
        key = (host, sport)
        if key not in socks:
            socks[key] = lab.sock(host, socket.SOCK_DGRAM, ("0.0.0.0", sport))
        socks[key].sendto(b"dns? %s:%d" % (host.encode(), sport), (dst, 53))
        data, peer = r.recvfrom(2000)
        say("gateway got %r from %s:%d" % (data, peer[0], peer[1]))
        time.sleep(0.05)
    lab.snap("after all")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
