"""A next hop that never answers ARP (tests/kernel/scenarios/arp_fail).

cl (which learns the gateway's MAC by ARP first) sends one UDP datagram to
192.168.1.99, an address on eth1's subnet where no host answers.  The gateway
holds it and asks three times, one second apart (mcast_solicit 3,
retrans_time 1 s); then the entry fails and the held packet is dropped with
ICMP host unreachable to cl.  At t=4.5 s cl sends to srv (192.168.1.2), which
does answer ARP, so the capture has a frame after the failure: uptables-sim
runs on the frames' clock and does its timed work (ARP retries, the failure)
when the next frame comes.  The runner masks the IP ID of the gateway's ICMP
error (the kernel picks it at random).
"""
import socket
import sys
import time

from scen_common import Lab, say


def main():
    lab = Lab()
    u = lab.sock("cl", socket.SOCK_DGRAM, ("0.0.0.0", 47000))
    t0 = time.monotonic()
    u.sendto(b"anyone at .99?", ("192.168.1.99", 9))
    say("sent to 192.168.1.99")
    time.sleep(max(0.0, t0 + 4.5 - time.monotonic()))
    r = lab.sock("srv", socket.SOCK_DGRAM, ("0.0.0.0", 9))
    r.settimeout(2)
    u.sendto(b"and at .2?", ("192.168.1.2", 9))
    data, peer = r.recvfrom(100)
    say("srv got %r from %s:%d" % (data, peer[0], peer[1]))
    time.sleep(0.1)
    lab.snap("end")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
