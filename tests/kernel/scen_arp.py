"""ARP on the way (tests/kernel/scenarios/arp).

No host and not the gateway has a static neighbour.  cl connects to the port
forward 198.51.100.1:80: cl first asks for the gateway's MAC (the gateway
answers, and learns cl's), the gateway holds the DNATed SYN while it asks for
srv's MAC on eth1 (srv answers, and learns the gateway's from the request),
then forwards it; the rest of the connection needs no more ARP.  The whole
scenario stays well under 5 s, before any neighbour entry would be probed
again (delay_first_probe_time), so the ARP frames are exactly these.
"""
import socket
import sys

from scen_common import GW0, Lab, say, tcp_exchange


def main():
    lab = Lab()
    ls = lab.sock("srv", socket.SOCK_STREAM, ("0.0.0.0", 8080))
    ls.listen(4)
    c = lab.sock("cl", socket.SOCK_STREAM, ("0.0.0.0", 40000))
    tcp_exchange(lab, c, ls, (GW0, 80), "cl")
    lab.snap("after the connection")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
