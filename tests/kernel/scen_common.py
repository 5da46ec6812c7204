"""Shared pieces of the differential scenario drivers (tests/kernel/scen_*.py).

Every driver is run by tests/kernel/scenario.sh as
    scen_NAME.py PREFIX OUTDIR
with PREFIX the namespaces' "upt-<pid>-" prefix.  A driver plays every host but
the gateway, one step after another, so that the frames entering the gateway
come in a fixed order; tests/kernel/run replays exactly those frames through
uptables-sim.  Drivers never check the gateway's behaviour themselves beyond
printing what the end hosts saw (driver.txt): the comparison is the runner's.
"""

import logging
import select
import socket
import sys
import time

from nsutil import Snapper, netns, nsrun

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

MAC = {
    "cl": "02:00:00:00:00:02", "gw0": "02:00:00:00:00:01",
    "srv": "02:00:00:00:01:02", "gw1": "02:00:00:00:01:01",
    "cl2": "02:00:00:00:02:02", "gw2": "02:00:00:00:02:01",
    "lc": "02:00:00:00:01:03",
}
CL, GW0, SRV, GW1, CL2, GW2, LC = ("198.51.100.2", "198.51.100.1", "192.168.1.2",
                                   "192.168.1.1", "192.168.2.2", "192.168.2.1",
                                   "192.168.1.3")
# Which gateway MAC each host sends to.
GWMAC = {"cl": MAC["gw0"], "srv": MAC["gw1"], "cl2": MAC["gw2"], "lc": MAC["gw1"]}
SETTLE = 0.05


class Lab:
    def __init__(self):
        self.prefix, self.out = sys.argv[1], sys.argv[2]
        self.gw = self.prefix + "gw"
        self.snapper = Snapper(self.gw, self.out + "/conntrack.txt")
        self._l2 = {}

    def ns(self, short):
        return self.prefix + short

    def sock(self, short, kind, bind=None, reuse=True):
        """A socket created inside host SHORT (it stays in that namespace)."""
        with netns(self.ns(short)):
            s = socket.socket(socket.AF_INET, kind)
            if reuse:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if bind:
                s.bind(bind)
        return s

    def run(self, short, *argv):
        return nsrun(self.ns(short), *argv)

    def snap(self, label):
        return self.snapper.snap(label)

    def l2(self, short):
        """A scapy L2 socket on host SHORT's eth0 (for crafted frames)."""
        from scapy.all import conf
        conf.verb = 0
        if short not in self._l2:
            with netns(self.ns(short)):
                self._l2[short] = conf.L2socket(iface="eth0")
        return self._l2[short]

    def send(self, short, pkt, settle=SETTLE):
        """Send an IP packet crafted with scapy from host SHORT to the gateway."""
        from scapy.all import Ether
        self.l2(short).send(Ether(src=MAC[short], dst=GWMAC[short]) / pkt)
        time.sleep(settle)

    def deaf(self, short):
        """Host SHORT's own stack ignores everything (crafted-packet hosts)."""
        self.run(short, "iptables", "-A", "INPUT", "-j", "DROP")


def say(*args):
    print(*args, flush=True)


def tcp_exchange(lab, client, server_ls, target, label):
    """connect CLIENT (a bound TCP socket) to TARGET, accept on SERVER_LS, one
    request and one reply, then the client closes first and the server after."""
    client.settimeout(5)
    server_ls.settimeout(5)
    client.connect(target)
    s, peer = server_ls.accept()
    s.settimeout(5)
    say("%s: server saw %s:%d" % (label, peer[0], peer[1]))
    client.sendall(b"hello\n")
    say("%s: server got %r" % (label, s.recv(100)))
    s.sendall(b"world\n")
    say("%s: client got %r" % (label, client.recv(100)))
    client.shutdown(socket.SHUT_WR)
    say("%s: server eof %r" % (label, s.recv(100)))
    time.sleep(0.1)
    s.close()
    r, _, _ = select.select([client], [], [], 5)
    say("%s: client eof %r" % (label, client.recv(100) if r else "timeout"))
    client.close()
    time.sleep(0.1)


def udp_roundtrip(lab, client, server, target, label, payload=b"query"):
    """CLIENT (a bound UDP socket) sends to TARGET, SERVER answers the source it saw."""
    client.settimeout(2)
    server.settimeout(2)
    client.sendto(payload, target)
    data, peer = server.recvfrom(2000)
    say("%s: server got %r from %s:%d" % (label, data, peer[0], peer[1]))
    server.sendto(b"answer:" + data, peer)
    data, peer = client.recvfrom(2000)
    say("%s: client got %r from %s:%d" % (label, data, peer[0], peer[1]))
    time.sleep(SETTLE)
