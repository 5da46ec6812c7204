"""Fact finder for packets the gateway itself generates (driven by probe_icmp.sh).

usage: probe_icmp.py send PREFIX      crafted packets from the client (cl, eth0)
       probe_icmp.py fwd0 PREFIX      one UDP packet for the ip_forward=0 check
       probe_icmp.py dump PCAP        every frame: hex and every header field

Each probe packet carries its own IP ID (0x10NN) and source port (50NN), so the
answer in the capture can be told apart by the quoted packet or the ports.
"""

import logging
import sys
import time

from nsutil import netns

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import ICMP, IP, TCP, UDP, Ether, Raw, conf, rdpcap  # noqa: E402
from scapy.layers.inet import IPerror, TCPerror, UDPerror  # noqa: E402

conf.verb = 0
MAC_CL, MAC_GW0 = "02:00:00:00:00:02", "02:00:00:00:00:01"
CL, SRV, GW0 = "198.51.100.2", "192.168.1.2", "198.51.100.1"

PROBES = [
    # name, packet
    ("ttl1 udp 32 bytes payload, tos 0x10, DF",
     IP(src=CL, dst=SRV, ttl=1, tos=0x10, flags="DF", id=0x1001) /
     UDP(sport=5001, dport=7) / Raw(b"A" * 32)),
    ("ttl1 udp 1400 bytes payload (how much is quoted?)",
     IP(src=CL, dst=SRV, ttl=1, id=0x1002) / UDP(sport=5002, dport=7) / Raw(b"B" * 1400)),
    ("ttl1 tcp SYN to the DNATed service 198.51.100.1:80 (quote after NAT?)",
     IP(src=CL, dst=GW0, ttl=1, id=0x1003) /
     TCP(sport=5003, dport=80, flags="S", seq=1000, window=65535, options=[("MSS", 1460)])),
    ("REJECT icmp-port-unreachable: udp to 192.168.1.2:9, 32 bytes, tos 0x10",
     IP(src=CL, dst=SRV, ttl=64, tos=0x10, id=0x1004) / UDP(sport=5004, dport=9) / Raw(b"C" * 32)),
    ("REJECT icmp-port-unreachable: udp to 192.168.1.2:9, 1400 bytes",
     IP(src=CL, dst=SRV, ttl=64, id=0x1005) / UDP(sport=5005, dport=9) / Raw(b"D" * 1400)),
    ("REJECT tcp-reset: SYN seq=1000 to 192.168.1.2:9, tos 0x10",
     IP(src=CL, dst=SRV, ttl=64, tos=0x10, id=0x1006) /
     TCP(sport=5006, dport=9, flags="S", seq=1000, window=65535)),
    ("REJECT tcp-reset: ACK seq=1000 ack=2000 + 10 bytes to 192.168.1.2:9",
     IP(src=CL, dst=SRV, ttl=64, id=0x1007) /
     TCP(sport=5007, dport=9, flags="PA", seq=1000, ack=2000, window=65535) / Raw(b"E" * 10)),
    ("REJECT tcp-reset: FIN seq=3000 (no ACK flag) to 192.168.1.2:9",
     IP(src=CL, dst=SRV, ttl=64, id=0x1008) /
     TCP(sport=5008, dport=9, flags="F", seq=3000, window=65535)),
]


def send(prefix, probes):
    with netns(prefix + "cl"):
        s = conf.L2socket(iface="eth0")
    for name, pkt in probes:
        print("sent %#06x %s: %s" % (pkt[IP].id, name, pkt.summary()))
        s.send(Ether(src=MAC_CL, dst=MAC_GW0) / pkt)
        time.sleep(0.3)


def hexdump(b):
    return "\n".join("      %04x  %s" % (i, " ".join("%02x" % x for x in b[i:i + 16]))
                     for i in range(0, len(b), 16))


def dump(path):
    for n, fr in enumerate(rdpcap(path), 1):
        raw = bytes(fr)
        print("frame %d: %d bytes on the wire  %s > %s" % (n, len(raw), fr.src, fr.dst))
        ip = fr.getlayer(IP)
        if ip is None:
            print(hexdump(raw))
            continue
        print("   IP  ver/ihl=%d/%d tos=%#04x len=%d id=%#06x flags=%s frag=%d ttl=%d "
              "proto=%d chksum=%#06x src=%s dst=%s"
              % (ip.version, ip.ihl, ip.tos, ip.len, ip.id, ip.flags, ip.frag, ip.ttl,
                 ip.proto, ip.chksum, ip.src, ip.dst))
        if ip.haslayer(ICMP):
            ic = ip[ICMP]
            quoted = bytes(ic.payload)
            print("   ICMP type=%d code=%d chksum=%#06x rest-of-header=%s quoted=%d bytes"
                  % (ic.type, ic.code, ic.chksum, bytes(ic)[4:8].hex(), len(quoted)))
            q = ic.getlayer(IPerror)
            if q is not None:
                print("   quoted IP  tos=%#04x len=%d id=%#06x flags=%s ttl=%d chksum=%#06x "
                      "src=%s dst=%s" % (q.tos, q.len, q.id, q.flags, q.ttl, q.chksum,
                                         q.src, q.dst))
                l4 = q.getlayer(UDPerror) or q.getlayer(TCPerror)
                if l4 is not None:
                    print("   quoted L4  sport=%d dport=%d chksum=%#06x"
                          % (l4.sport, l4.dport, l4.chksum))
        elif ip.haslayer(TCP):
            t = ip[TCP]
            print("   TCP sport=%d dport=%d seq=%d ack=%d dataofs=%d flags=%s window=%d "
                  "chksum=%#06x urgptr=%d options=%s payload=%d bytes"
                  % (t.sport, t.dport, t.seq, t.ack, t.dataofs, t.flags, t.window,
                     t.chksum, t.urgptr, t.options, len(t.payload)))
        print(hexdump(raw))


def main():
    cmd = sys.argv[1]
    if cmd == "send":
        send(sys.argv[2], PROBES)
    elif cmd == "fwd0":
        send(sys.argv[2], [("ip_forward=0: udp to 192.168.1.2:7",
                            IP(src=CL, dst=SRV, id=0x1010) / UDP(sport=5010, dport=7) /
                            Raw(b"F" * 32))])
    elif cmd == "dump":
        dump(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
