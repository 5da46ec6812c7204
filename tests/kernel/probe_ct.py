"""Conntrack fact finder (driven by tests/kernel/probe_ct.sh).

usage: probe_ct.py PREFIX      (PREFIX = "upt-<pid>-", the namespaces' prefix)

Crafts every packet of both ends with scapy, from the client namespace (cl, eth0)
and the server namespace (srv, eth0), through the gateway (gw) that forwards
between them.  cl and srv drop all incoming traffic in INPUT so that their own
stacks never answer; the gateway has one counting rule per ctstate in mangle
PREROUTING (rules 1..5 = NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED) and the
same in filter FORWARD.  After each packet the report shows the state the packet
got at PREROUTING, whether it reached FORWARD, and the gateway's
/proc/net/nf_conntrack and conntrack -L lines.
"""

import logging
import sys
import time

from nsutil import counters, ct_list, ct_proc, netns, nsrun

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import GRE, ICMP, IP, TCP, UDP, Ether, Raw, conf  # noqa: E402

conf.verb = 0

MAC_CL, MAC_GW0 = "02:00:00:00:00:02", "02:00:00:00:00:01"
MAC_SRV, MAC_GW1 = "02:00:00:00:01:02", "02:00:00:00:01:01"
CL, SRV = "198.51.100.2", "192.168.1.2"
STATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"]
SETTLE = 0.05   # veth delivery is asynchronous (backlog softirq); wait this long


class Lab:
    def __init__(self, prefix):
        self.gw = prefix + "gw"
        with netns(prefix + "cl"):
            self.cl = conf.L2socket(iface="eth0")
        with netns(prefix + "srv"):
            self.srv = conf.L2socket(iface="eth0")
        self.t0 = time.monotonic()

    def flush(self):
        nsrun(self.gw, "conntrack", "-F")
        nsrun(self.gw, "iptables", "-t", "mangle", "-Z")
        nsrun(self.gw, "iptables", "-Z")

    def sysctl(self, kv):
        nsrun(self.gw, "sysctl", "-qw", kv)

    def _send(self, sock, eth, pkt):
        before = counters(self.gw, "mangle", "PREROUTING")
        fbefore = counters(self.gw, "filter", "FORWARD")
        sock.send(eth / pkt)
        time.sleep(SETTLE)
        after = counters(self.gw, "mangle", "PREROUTING")
        fafter = counters(self.gw, "filter", "FORWARD")
        st = [STATES[i - 1] for i in after if after[i] != before.get(i, 0)]
        fw = [STATES[i - 1] for i in fafter if fafter[i] != fbefore.get(i, 0)]
        return (",".join(st) or "(not seen)"), (",".join(fw) or "no")

    def step(self, who, label, pkt):
        if who == "cl":
            st, fw = self._send(self.cl, Ether(src=MAC_CL, dst=MAC_GW0), pkt)
        else:
            st, fw = self._send(self.srv, Ether(src=MAC_SRV, dst=MAC_GW1), pkt)
        print("-- %s %s: %s" % (who, label, pkt.summary()))
        print("   ctstate at PREROUTING: %s; in FORWARD: %s" % (st, fw))
        for line in ct_proc(self.gw).splitlines():
            print("   proc: " + line)
        for line in ct_list(self.gw).splitlines():
            if not line.startswith("# stderr"):
                print("   -L:   " + line)
        return st


def tcp(src, dst, sport, dport, flags, seq, ack=0, load=b"", **kw):
    p = IP(src=src, dst=dst, ttl=64, id=1) / TCP(sport=sport, dport=dport,
                                                  flags=flags, seq=seq, ack=ack,
                                                  window=65535, **kw)
    return p / Raw(load) if load else p


def c2s(sport, flags, seq, ack=0, load=b"", dport=8080, **kw):
    return tcp(CL, SRV, sport, dport, flags, seq, ack, load, **kw)


def s2c(sport, flags, seq, ack=0, load=b"", dport=8080, **kw):
    return tcp(SRV, CL, dport, sport, flags, seq, ack, load, **kw)


def section(title):
    print("\n##### " + title)


def tcp_lifecycle(lab):
    section("tcp: every state of one connection, timeout after each packet")
    lab.flush()
    p, a, b = 41000, 1000, 5000
    lab.step("cl", "SYN", c2s(p, "S", a))
    lab.step("srv", "SYN/ACK", s2c(p, "SA", b, a + 1))
    lab.step("cl", "ACK", c2s(p, "A", a + 1, b + 1))
    lab.step("cl", "data 5 bytes", c2s(p, "PA", a + 1, b + 1, b"hello"))
    lab.step("srv", "ACK of data", s2c(p, "A", b + 1, a + 6))
    lab.step("cl", "FIN", c2s(p, "FA", a + 6, b + 1))
    lab.step("srv", "ACK of FIN", s2c(p, "A", b + 1, a + 7))
    lab.step("srv", "FIN", s2c(p, "FA", b + 1, a + 7))
    lab.step("cl", "ACK of FIN", c2s(p, "A", a + 7, b + 2))

    section("tcp: SYN_SENT -> RST from server (connection refused) -> CLOSE")
    lab.flush()
    p = 41001
    lab.step("cl", "SYN", c2s(p, "S", a))
    lab.step("srv", "RST/ACK", s2c(p, "RA", 0, a + 1))

    section("tcp: established, then RST in window from client -> CLOSE")
    lab.flush()
    p = 41002
    lab.step("cl", "SYN", c2s(p, "S", a))
    lab.step("srv", "SYN/ACK", s2c(p, "SA", b, a + 1))
    lab.step("cl", "ACK", c2s(p, "A", a + 1, b + 1))
    lab.step("cl", "RST out of window (seq +100000000)", c2s(p, "R", a + 1 + 100000000))
    lab.step("cl", "RST in window (seq = next)", c2s(p, "R", a + 1))

    section("tcp: simultaneous close (both FIN before any ACK)")
    lab.flush()
    p = 41003
    lab.step("cl", "SYN", c2s(p, "S", a))
    lab.step("srv", "SYN/ACK", s2c(p, "SA", b, a + 1))
    lab.step("cl", "ACK", c2s(p, "A", a + 1, b + 1))
    lab.step("cl", "FIN", c2s(p, "FA", a + 1, b + 1))
    lab.step("srv", "FIN", s2c(p, "FA", b + 1, a + 1))
    lab.step("cl", "ACK of srv FIN", c2s(p, "A", a + 2, b + 2))
    lab.step("srv", "ACK of cl FIN", s2c(p, "A", b + 2, a + 2))


def tcp_classification(lab):
    section("tcp: stray ACK, no connection, nf_conntrack_tcp_loose=1 (default)")
    lab.flush()
    lab.step("cl", "ACK", c2s(42000, "A", 7000, 9000))
    lab.step("srv", "reply ACK", s2c(42000, "A", 9000, 7000))

    section("tcp: stray ACK, no connection, nf_conntrack_tcp_loose=0")
    lab.flush()
    lab.sysctl("net.netfilter.nf_conntrack_tcp_loose=0")
    lab.step("cl", "ACK", c2s(42001, "A", 7000, 9000))
    lab.sysctl("net.netfilter.nf_conntrack_tcp_loose=1")

    section("tcp: SYN/ACK without a SYN")
    lab.flush()
    lab.step("srv", "SYN/ACK", s2c(42002, "SA", 9000, 7001))

    section("tcp: other flag combinations without a connection")
    lab.flush()
    lab.step("cl", "FIN alone", c2s(42003, "F", 7000))
    lab.step("cl", "RST alone", c2s(42004, "R", 7000))
    lab.step("cl", "SYN+FIN", c2s(42005, "SF", 7000))
    lab.step("cl", "no flags", c2s(42006, "", 7000))
    lab.step("cl", "SYN+RST", c2s(42007, "SR", 7000))

    section("tcp: out-of-window data on an established connection")
    lab.flush()
    p, a, b = 42010, 1000, 5000
    lab.step("cl", "SYN", c2s(p, "S", a))
    lab.step("srv", "SYN/ACK", s2c(p, "SA", b, a + 1))
    lab.step("cl", "ACK", c2s(p, "A", a + 1, b + 1))
    lab.step("cl", "data seq +100000000", c2s(p, "PA", a + 1 + 100000000, b + 1, b"x"))
    lab.step("cl", "data ack beyond anything sent", c2s(p, "PA", a + 1, b + 100000000, b"x"))
    lab.step("cl", "data in window", c2s(p, "PA", a + 1, b + 1, b"x"))

    section("tcp: SYN with a bad TCP checksum (nf_conntrack_checksum=1)")
    lab.flush()
    lab.step("cl", "SYN chksum=0x1234", c2s(42020, "S", 1000, chksum=0x1234))
    lab.step("cl", "SYN good checksum", c2s(42021, "S", 1000))
    lab.flush()
    lab.step("cl", "SYN", c2s(42022, "S", 1000))
    lab.step("srv", "SYN/ACK", s2c(42022, "SA", 5000, 1001))
    lab.step("cl", "ACK with a bad checksum", c2s(42022, "A", 1001, 5001, chksum=0x1234))

    section("tcp: SYN with a bad TCP checksum, nf_conntrack_checksum=0")
    lab.flush()
    lab.sysctl("net.netfilter.nf_conntrack_checksum=0")
    lab.step("cl", "SYN chksum=0x1234", c2s(42023, "S", 1000, chksum=0x1234))
    lab.sysctl("net.netfilter.nf_conntrack_checksum=1")

    section("ip: bad IP header checksum (dropped before netfilter?)")
    lab.flush()
    pkt = c2s(42024, "S", 1000)
    pkt[IP].chksum = 0x1234
    lab.step("cl", "SYN with IP chksum=0x1234", pkt)


def udp_probe(lab):
    section("udp: unreplied, replied, ASSURED (timeouts after each packet)")
    lab.flush()
    u = IP(src=CL, dst=SRV, id=1) / UDP(sport=5353, dport=53) / Raw(b"q")
    r = IP(src=SRV, dst=CL, id=1) / UDP(sport=53, dport=5353) / Raw(b"r")
    t0 = time.monotonic()
    lab.step("cl", "first packet t=0", u)
    lab.step("cl", "second packet, same direction", u)
    lab.step("srv", "reply", r)
    lab.step("cl", "packet after reply, t<2s", u)
    time.sleep(max(0.0, 2.3 - (time.monotonic() - t0)))
    lab.step("cl", "packet after reply, t=2.3s", u)
    lab.step("srv", "reply, t>2s", r)

    section("udp: reply seen only after 2 s")
    lab.flush()
    u = IP(src=CL, dst=SRV, id=1) / UDP(sport=5354, dport=53) / Raw(b"q")
    r = IP(src=SRV, dst=CL, id=1) / UDP(sport=53, dport=5354) / Raw(b"r")
    t0 = time.monotonic()
    lab.step("cl", "first packet t=0", u)
    time.sleep(max(0.0, 2.3 - (time.monotonic() - t0)))
    lab.step("srv", "first reply at t=2.3s", r)
    lab.step("cl", "next packet", u)

    section("udp: ICMP port unreachable from the server about the flow (RELATED)")
    lab.flush()
    u = IP(src=CL, dst=SRV, id=7, ttl=63) / UDP(sport=5355, dport=9) / Raw(b"q")
    lab.step("cl", "udp to closed port", u)
    err = IP(src=SRV, dst=CL, id=2) / ICMP(type=3, code=3) / bytes(u)
    lab.step("srv", "icmp port unreachable quoting it", err)
    err2 = IP(src=SRV, dst=CL, id=3) / ICMP(type=3, code=3) / bytes(
        IP(src=CL, dst=SRV, id=7, ttl=63) / UDP(sport=5999, dport=9) / Raw(b"q"))
    lab.step("srv", "icmp port unreachable about an unknown flow", err2)


def icmp_probe(lab):
    section("icmp: echo request / reply")
    lab.flush()
    req = IP(src=CL, dst=SRV, id=1) / ICMP(type=8, code=0, id=0x1234, seq=1) / Raw(b"ping")
    rep = IP(src=SRV, dst=CL, id=1) / ICMP(type=0, code=0, id=0x1234, seq=1) / Raw(b"ping")
    lab.step("cl", "echo request id=0x1234 seq=1", req)
    lab.step("srv", "echo reply", rep)
    lab.step("cl", "echo request seq=2", IP(src=CL, dst=SRV, id=2) /
             ICMP(type=8, code=0, id=0x1234, seq=2) / Raw(b"ping"))
    section("icmp: echo reply without request; timestamp request")
    lab.flush()
    lab.step("srv", "echo reply id=0x4321", IP(src=SRV, dst=CL) /
             ICMP(type=0, code=0, id=0x4321, seq=1))
    lab.step("cl", "timestamp request id=0x55", IP(src=CL, dst=SRV) /
             ICMP(type=13, code=0, id=0x55, seq=1))


def generic_probe(lab):
    section("generic: ip proto 253")
    lab.flush()
    lab.step("cl", "proto 253", IP(src=CL, dst=SRV, proto=253) / Raw(b"abcd"))
    lab.step("srv", "proto 253 back", IP(src=SRV, dst=CL, proto=253) / Raw(b"abcd"))
    section("gre (proto 47, version 0)")
    lab.flush()
    lab.step("cl", "gre", IP(src=CL, dst=SRV) / GRE(proto=0x0800) / IP(src="10.0.0.1", dst="10.0.0.2"))
    lab.step("srv", "gre back", IP(src=SRV, dst=CL) / GRE(proto=0x0800) / IP(src="10.0.0.2", dst="10.0.0.1"))


def extras_probe(lab):
    section("format extras: zone 5 (raw CT --zone 5, udp dport 54), "
            "connmark 42 (mangle FORWARD CONNMARK, udp dport 55), "
            "nf_conntrack_acct=1 and nf_conntrack_timestamp=1")
    lab.flush()
    lab.sysctl("net.netfilter.nf_conntrack_acct=1")
    lab.sysctl("net.netfilter.nf_conntrack_timestamp=1")
    lab.step("cl", "udp dport 54 (zone 5), 1 byte", IP(src=CL, dst=SRV, id=1) /
             UDP(sport=5400, dport=54) / Raw(b"z"))
    lab.step("cl", "udp dport 55 (mark 42), 1 byte", IP(src=CL, dst=SRV, id=1) /
             UDP(sport=5500, dport=55) / Raw(b"m"))
    lab.step("srv", "reply from 55, 3 bytes", IP(src=SRV, dst=CL, id=1) /
             UDP(sport=55, dport=5500) / Raw(b"mmm"))
    lab.sysctl("net.netfilter.nf_conntrack_acct=0")
    lab.sysctl("net.netfilter.nf_conntrack_timestamp=0")


PROBES = {"tcp_lifecycle": tcp_lifecycle, "tcp_classification": tcp_classification,
          "udp": udp_probe, "icmp": icmp_probe, "generic": generic_probe,
          "extras": extras_probe}


def main():
    lab = Lab(sys.argv[1])
    names = sys.argv[2:] or list(PROBES)
    for n in names:
        PROBES[n](lab)
    return 0


if __name__ == "__main__":
    sys.exit(main())
