"""Hairpin NAT (tests/kernel/scenarios/hairpin and hairpin_nosnat).

Topology (scenario.sh): cl on eth0; gw eth1 on a switch with the server srv
(192.168.1.2) and the LAN client lc (192.168.1.3).  The port forward
198.51.100.1:80 -> 192.168.1.2:8080 is used by cl from outside (a normal
DNAT), then by lc from inside.
  hairpin:        the SNAT rule rewrites lc's source to 192.168.1.1, so srv
                  answers through the gateway: the connection completes.
  hairpin_nosnat: srv answers lc directly (same LAN); lc's stack sees a
                  SYN/ACK from 192.168.1.2:8080 for a connection it made to
                  198.51.100.1:80, resets it, and retries its SYN; the
                  gateway only ever sees lc's SYNs.
The kernel gateway keeps send_redirects=1 (the default): a packet forwarded
back out the interface it came in on earns an ICMP redirect, but NAT drops
the redirect of a NATed connection (nf_nat_icmp_reply_translation), so none
leaves; the engine does the same.
"""
import os
import socket
import sys

from scen_common import GW0, Lab, say, tcp_exchange


def main():
    lab = Lab()
    nosnat = os.path.basename(sys.argv[0]).startswith("scen_hairpin_nosnat")
    ls = lab.sock("srv", socket.SOCK_STREAM, ("0.0.0.0", 8080))
    ls.listen(4)
    c = lab.sock("cl", socket.SOCK_STREAM, ("0.0.0.0", 40000))
    tcp_exchange(lab, c, ls, (GW0, 80), "cl from outside")
    lab.snap("after outside connection")
    c = lab.sock("lc", socket.SOCK_STREAM, ("0.0.0.0", 40003))
    if not nosnat:
        tcp_exchange(lab, c, ls, (GW0, 80), "lc from inside")
    else:
        c.settimeout(1.5)
        try:
            c.connect((GW0, 80))
            say("lc from inside: connected (unexpected)")
        except OSError as e:
            say("lc from inside: %s" % e)
        c.close()
    lab.snap("after inside connection")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
