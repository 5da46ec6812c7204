"""Send the misc-extension probe frames (see ext_misc_probe.sh); report arrivals.

usage: ext_misc_probe.py send PREFIX | report PCAP
Prints one line per frame that reached the server:
  tcp sport S dport D flags 0xFF tos 0xTT ttl N opts HEX l4csum ok|BAD
  udp sport S dport D ttl N            (HMARK: the TTL is the mark)
  icmp id I ttl N
"""

import sys

from scapy.all import ICMP, IP, TCP, UDP, Ether, conf, rdpcap, sendp

from nsutil import netns

conf.verb = 0

# The options Linux-style SYN that tests/unit/frames.c builds: MSS, NOP NOP SACK-permitted,
# NOP window scale.
OPTS = [('MSS', 1460), ('NOP', None), ('NOP', None), ('SAckOK', b''), ('NOP', None),
        ('WScale', 7)]
TCP_CASES = [(4001, 0x02, 0x00), (4002, 0x02, 0x00), (4003, 0xc2, 0x02), (4004, 0x02, 0x01),
             (4005, 0x02, 0xb9), (5005, 0x02, 0x00)]
UDP_CASES = [(1000, 5001), (2000, 5001), (65535, 5001), (1000, 5002), (0x1234, 5002),
             (1000, 5003), (40000, 5003), (1000, 5004), (2000, 5004), (1000, 6001),
             (1000, 6002), (1000, 6003)]
ICMP_IDS = [1, 77]


def send(prefix):
    eth = Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01")
    frames = []
    for dport, flags, tos in TCP_CASES:
        frames.append(eth / IP(src="198.51.100.2", dst="192.168.1.2", tos=tos, ttl=64) /
                      TCP(sport=40000, dport=dport, flags=flags, seq=1000, window=64240,
                          options=OPTS))
    for sport, dport in UDP_CASES:
        frames.append(eth / IP(src="198.51.100.2", dst="192.168.1.2", ttl=64) /
                      UDP(sport=sport, dport=dport) / b"probe")
    for ident in ICMP_IDS:
        frames.append(eth / IP(src="198.51.100.2", dst="192.168.1.2", ttl=64) /
                      ICMP(type=8, id=ident, seq=1) / b"probe")
    with netns(prefix + "cl"):
        for f in frames:
            sendp(f, iface="eth0")


def l4_ok(ip):
    again = IP(bytes(ip))
    layer = again[TCP] if TCP in again else again[UDP]
    want = layer.chksum
    del layer.chksum
    return IP(bytes(again))[layer.__class__].chksum == want


def report(path):
    for p in rdpcap(path):
        ip = p[IP]
        if TCP in p:
            t = p[TCP]
            raw = bytes(t)[20:t.dataofs * 4]
            print("tcp sport %d dport %d flags 0x%02x tos 0x%02x ttl %d opts %s l4csum %s" % (
                t.sport, t.dport, int(t.flags), ip.tos, ip.ttl, raw.hex(),
                "ok" if l4_ok(ip) else "BAD"))
        elif UDP in p:
            print("udp sport %d dport %d ttl %d" % (p[UDP].sport, p[UDP].dport, ip.ttl))
        elif ICMP in p:
            print("icmp id %d ttl %d" % (p[ICMP].id, ip.ttl))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2])
    else:
        report(sys.argv[2])
