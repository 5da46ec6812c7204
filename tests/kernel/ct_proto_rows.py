"""ICMP and GRE cases of tests/unit/test_ct_proto.c on the real kernel.

usage: ct_proto_rows.py PREFIX   (driven by ct_proto_rows.sh)

A = the client (198.51.100.2, gateway eth0 side), B = the server
(192.168.1.2, eth1 side), R = a router on B's side (192.168.1.77), X = a
third host on A's side.  Each case sends one or more crafted packets and
compares the ctstate of the last one (seen by counting rules in mangle
PREROUTING) with what the unit test expects of uptables; a case may also
name a text that must appear in the gateway's /proc/net/nf_conntrack.
"""

import logging
import socket
import struct
import sys
import time

from nsutil import counters, ct_proc, netns, nsrun

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import ICMP, IP, UDP, Ether, Raw, conf, raw  # noqa: E402

conf.verb = 0
MAC_CL, MAC_GW0 = "02:00:00:00:00:02", "02:00:00:00:00:01"
MAC_SRV, MAC_GW1 = "02:00:00:00:01:02", "02:00:00:00:01:01"
A, B, R, X = "198.51.100.2", "192.168.1.2", "192.168.1.77", "198.51.100.99"
STATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"]
SETTLE = 0.05


class Lab:
    def __init__(self, prefix):
        self.gw = prefix + "gw"
        with netns(prefix + "cl"):
            self.cl = conf.L2socket(iface="eth0")
        with netns(prefix + "srv"):
            self.srv = conf.L2socket(iface="eth0")

    def send(self, pkt):
        """Send from the side the source address lives on; the ctstate it got."""
        before = counters(self.gw, "mangle", "PREROUTING")
        if pkt[IP].src.startswith("198.51.100."):
            self.cl.send(Ether(src=MAC_CL, dst=MAC_GW0) / pkt)
        else:
            self.srv.send(Ether(src=MAC_SRV, dst=MAC_GW1) / pkt)
        time.sleep(SETTLE)
        after = counters(self.gw, "mangle", "PREROUTING")
        return ",".join(STATES[i - 1] for i in after if after[i] != before.get(i, 0)) or "-"


def udp_a_b():
    return IP(src=A, dst=B) / UDP(sport=40000, dport=53) / Raw(b"\x01\x02\x03\x04")


def udp_b_a():
    return IP(src=B, dst=A) / UDP(sport=53, dport=40000) / Raw(b"\x01\x02\x03\x04")


def error(src, dst, quoted, quote_l4=None, type_=3, code=3):
    q = raw(quoted)
    if quote_l4 is not None:
        q = q[:20 + quote_l4]
    return IP(src=src, dst=dst) / ICMP(type=type_, code=code) / Raw(q)


def query(src, dst, type_, id_):
    return IP(src=src, dst=dst) / ICMP(type=type_, id=id_, seq=1)


def gre(src, dst, hdr):
    return IP(src=src, dst=dst, proto=47) / Raw(bytes(hdr))


def udplite(src, sport, dst, dport, cscov=0, good=True, pseudo_proto=17):
    """UDP-Lite with 8 data bytes; checksum over cscov bytes (0: all).

    The kernel checks the sum with protocol 17 in the pseudo-header (see
    src/ct/proto_udp.c), so that is the default here."""
    seg = bytearray(struct.pack("!HHHH", sport, dport, cscov, 0) + bytes(range(1, 9)))
    words = struct.unpack("!4H", socket.inet_aton(src) + socket.inet_aton(dst))
    s = sum(words) + pseudo_proto + len(seg)
    cov = bytes(seg[:cscov or len(seg)])
    if len(cov) % 2:
        cov += b"\0"
    s += sum(struct.unpack("!%dH" % (len(cov) // 2), cov))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    c = ~s & 0xffff
    if not good:
        c ^= 0x0101
    seg[6:8] = struct.pack("!H", c)
    return IP(src=src, dst=dst, proto=136) / Raw(bytes(seg))


GRE_V0 = [0, 0, 8, 0]
PPTP_A = [0x20, 0x01, 0x88, 0x0b, 0, 0, 0x12, 0x34]
PPTP_B = [0x20, 0x01, 0x88, 0x0b, 0, 0, 0x56, 0x78]
NOT_PPP = [0x20, 0x01, 0x08, 0x00, 0, 0, 0x12, 0x34]


CASES = [
    # (name, packets to send first, packet judged, expected ctstate)
    ("error about an unknown flow", [], error(B, A, udp_a_b()), "INVALID"),
    ("port unreachable back to the client", [udp_a_b()], error(B, A, udp_a_b()), "RELATED"),
    ("error from a router on the path", [udp_a_b()], error(R, A, udp_a_b(), type_=11, code=0),
     "RELATED"),
    ("error quoting a reply, towards the server", [udp_a_b(), udp_b_a()],
     error(A, B, udp_b_a()), "RELATED"),
    ("error to a third host", [udp_a_b()], error(B, X, udp_a_b()), "INVALID"),
    ("quote with 4 bytes of udp", [udp_a_b()], error(B, A, udp_a_b(), quote_l4=4), "RELATED"),
    ("quote with 3 bytes of udp", [udp_a_b()], error(B, A, udp_a_b(), quote_l4=3), "INVALID"),
    ("time exceeded about a ping", [query(A, B, 8, 99)],
     error(R, A, query(A, B, 8, 99), type_=11, code=0), "RELATED"),
    ("echo request", [], query(A, B, 8, 7), "NEW"),
    ("echo reply", [query(A, B, 8, 7)], query(B, A, 0, 7), "ESTABLISHED"),
    ("unsolicited echo reply", [], query(B, A, 0, 8), "INVALID"),
    ("timestamp request", [], query(A, B, 13, 9), "NEW"),
    ("timestamp reply", [query(A, B, 13, 9)], query(B, A, 14, 9), "ESTABLISHED"),
    ("information request", [], query(A, B, 15, 10), "NEW"),
    ("address mask request", [], query(A, B, 17, 11), "NEW"),
    ("router advertisement", [], query(A, B, 9, 0), "INVALID"),
    ("router solicitation", [], query(A, B, 10, 0), "INVALID"),
    ("type 19", [], query(A, B, 19, 0), "INVALID"),
    ("gre", [], gre(A, B, GRE_V0), "NEW",
     "gre      47 29 timeout=30, stream_timeout=180 src=%s dst=%s srckey=0x0 dstkey=0x0 "
     "[UNREPLIED]" % (A, B)),
    ("gre reply", [gre(A, B, GRE_V0)], gre(B, A, GRE_V0), "ESTABLISHED", " 29 timeout=30"),
    ("gre after reply: stream, assured", [gre(A, B, GRE_V0), gre(B, A, GRE_V0)],
     gre(A, B, GRE_V0), "ESTABLISHED", "[ASSURED]"),
    ("pptp gre: call id is dstkey", [], gre(A, B, PPTP_A), "NEW",
     "srckey=0x0 dstkey=0x1234 [UNREPLIED] src=%s dst=%s srckey=0x1234 dstkey=0x0" % (B, A)),
    ("pptp gre: peer's call id is another entry", [gre(A, B, PPTP_A)], gre(B, A, PPTP_B),
     "NEW"),
    ("gre v1 without ppp", [], gre(A, B, NOT_PPP), "INVALID"),
    ("pptp gre too short for the call id", [], gre(A, B, PPTP_A[:4]), "NEW",
     "srckey=0x0 dstkey=0x0"),
    ("udplite", [], udplite(A, 1111, B, 2222), "NEW",
     "udplite  136 29 src=%s dst=%s sport=1111 dport=2222 [UNREPLIED] src=%s dst=%s "
     "sport=2222 dport=1111 mark=0" % (A, B, B, A)),
    ("udplite reply, header-only coverage", [udplite(A, 1111, B, 2222)],
     udplite(B, 2222, A, 1111, cscov=8), "ESTABLISHED", "udplite  136 29 "),
    ("udplite after reply: 120 s, assured",
     [udplite(A, 1111, B, 2222), udplite(B, 2222, A, 1111)], udplite(A, 1111, B, 2222),
     "ESTABLISHED", "[ASSURED]"),
    ("udplite bad checksum", [], udplite(A, 3, B, 4, good=False), "INVALID"),
    ("udplite summed as RFC 3828 says (proto 136)", [], udplite(A, 5, B, 6, pseudo_proto=136),
     "INVALID"),
    ("udplite coverage 7", [], udplite(A, 3, B, 4, cscov=7), "INVALID"),
    ("udplite coverage beyond the datagram", [], udplite(A, 3, B, 4, cscov=17), "INVALID"),
]


def main():
    lab = Lab(sys.argv[1])
    npass = nfail = 0
    for name, first, judged, want, *proc in CASES:
        nsrun(lab.gw, "conntrack", "-F")
        time.sleep(SETTLE)
        for p in first:
            lab.send(p)
        got = lab.send(judged)
        table = ct_proc(lab.gw)
        if proc and proc[0] not in table:
            got += " (/proc lacks %r:\n%s)" % (proc[0], table)
        if got == want:
            npass += 1
            print("ok   %s: %s" % (name, got))
        else:
            nfail += 1
            print("FAIL %s: %s, want %s" % (name, got, want))
    print("ct_proto_rows: %d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
