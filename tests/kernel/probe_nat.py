"""NAT fact finder (driven by tests/kernel/probe_nat.sh).

usage: probe_nat.py PREFIX SECTION

Sections:
  dnat     the DNAT entry of the seed rule (crafted SYN from the client).
  masq     MASQUERADE on eth0: an entry, then two inside hosts (srv 192.168.1.2
           and cl2 192.168.2.2) using the same source port to the same outside
           server: which port does the second one get?  Repeated to tell a
           fixed choice from a random one; also for source ports below 1024.
  dnatclash  no SNAT rule at all: the client uses one source port towards two
           DNAT rules that lead to the same server, so both reply tuples would be
           identical; the kernel's implicit clash avoidance changes the port.
"""

import logging
import re
import sys
import time

from nsutil import ct_list, ct_proc, netns, nsrun

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, TCP, UDP, Ether, Raw, conf  # noqa: E402

conf.verb = 0
MACS = {"cl": ("02:00:00:00:00:02", "02:00:00:00:00:01"),
        "srv": ("02:00:00:00:01:02", "02:00:00:00:01:01"),
        "cl2": ("02:00:00:00:02:02", "02:00:00:00:02:01")}
ADDR = {"cl": "198.51.100.2", "srv": "192.168.1.2", "cl2": "192.168.2.2"}


class Lab:
    def __init__(self, prefix, hosts):
        self.gw = prefix + "gw"
        self.socks = {}
        for h in hosts:
            with netns(prefix + h):
                self.socks[h] = conf.L2socket(iface="eth0")

    def send(self, who, pkt):
        src, dst = MACS[who]
        self.socks[who].send(Ether(src=src, dst=dst) / pkt)
        time.sleep(0.05)

    def show(self):
        for line in ct_proc(self.gw).splitlines():
            print("   proc: " + line)
        for line in ct_list(self.gw).splitlines():
            if not line.startswith("# stderr"):
                print("   -L:   " + line)

    def reply_port(self, orig_src, sport):
        """dport of the reply tuple of the entry whose original is src:sport."""
        for line in ct_proc(self.gw).splitlines():
            m = re.search(r"src=%s dst=\S+ sport=%d dport=\d+ .*?src=\S+ dst=\S+ "
                          r"sport=\d+ dport=(\d+)" % (re.escape(orig_src), sport), line)
            if m:
                return int(m.group(1))
        return None


def syn(src, dst, sport, dport, seq=1000):
    return IP(src=src, dst=dst, id=1) / TCP(sport=sport, dport=dport, flags="S",
                                            seq=seq, window=65535)


def dnat(lab):
    print("##### DNAT entry (tcp SYN to 198.51.100.1:80)")
    nsrun(lab.gw, "conntrack", "-F")
    lab.send("cl", syn(ADDR["cl"], "198.51.100.1", 43000, 80))
    lab.show()


def masq(lab):
    print("##### MASQUERADE entries: tcp and udp from srv, then a clash from cl2")
    for sport, proto in ((5000, "tcp"), (5000, "udp"), (600, "tcp"), (100, "tcp")):
        nsrun(lab.gw, "conntrack", "-F")
        print("-- %s sport %d from srv, then from cl2, to 198.51.100.2:80" % (proto, sport))
        for who in ("srv", "cl2"):
            if proto == "tcp":
                p = syn(ADDR[who], ADDR["cl"], sport, 80)
            else:
                p = IP(src=ADDR[who], dst=ADDR["cl"], id=1) / UDP(sport=sport, dport=80) / Raw(b"x")
            lab.send(who, p)
        lab.show()
    print("-- the port cl2 gets, 8 trials (tcp, sport 5000, table flushed each time)")
    ports = []
    for _ in range(8):
        nsrun(lab.gw, "conntrack", "-F")
        lab.send("srv", syn(ADDR["srv"], ADDR["cl"], 5000, 80))
        lab.send("cl2", syn(ADDR["cl2"], ADDR["cl"], 5000, 80))
        ports.append(lab.reply_port(ADDR["cl2"], 5000))
    print("   cl2 sport 5000 became: " + " ".join(str(p) for p in ports))
    print("-- the port cl2 gets, 8 trials (tcp, sport 600)")
    ports = []
    for _ in range(8):
        nsrun(lab.gw, "conntrack", "-F")
        lab.send("srv", syn(ADDR["srv"], ADDR["cl"], 600, 80))
        lab.send("cl2", syn(ADDR["cl2"], ADDR["cl"], 600, 80))
        ports.append(lab.reply_port(ADDR["cl2"], 600))
    print("   cl2 sport 600 became: " + " ".join(str(p) for p in ports))
    print("-- the port cl2 gets, 8 trials (tcp, sport 100)")
    ports = []
    for _ in range(8):
        nsrun(lab.gw, "conntrack", "-F")
        lab.send("srv", syn(ADDR["srv"], ADDR["cl"], 100, 80))
        lab.send("cl2", syn(ADDR["cl2"], ADDR["cl"], 100, 80))
        ports.append(lab.reply_port(ADDR["cl2"], 100))
    print("   cl2 sport 100 became: " + " ".join(str(p) for p in ports))


def dnatclash(lab):
    print("##### implicit clash avoidance with DNAT only (no SNAT/MASQUERADE rule)")
    ports = []
    for i in range(8):
        nsrun(lab.gw, "conntrack", "-F")
        lab.send("cl", syn(ADDR["cl"], "198.51.100.1", 44000, 80))
        lab.send("cl", syn(ADDR["cl"], "198.51.100.1", 44000, 81))
        if i == 0:
            lab.show()
        for line in ct_proc(lab.gw).splitlines():
            m = re.search(r"dport=81 (?:\[UNREPLIED\] )?src=\S+ dst=\S+ sport=\d+ dport=(\d+)", line)
            if m:
                ports.append(int(m.group(1)))
    print("   second connection's reply dport, 8 trials: " + " ".join(map(str, ports)))


def main():
    prefix, section = sys.argv[1], sys.argv[2]
    hosts = {"dnat": ["cl"], "masq": ["srv", "cl2"], "dnatclash": ["cl"]}[section]
    lab = Lab(prefix, hosts)
    {"dnat": dnat, "masq": masq, "dnatclash": dnatclash}[section](lab)
    return 0


if __name__ == "__main__":
    sys.exit(main())
