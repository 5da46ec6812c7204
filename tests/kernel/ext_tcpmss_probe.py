"""Send the TCPMSS probe SYNs (see ext_tcpmss_probe.sh) and report what arrived.

usage: ext_tcpmss_probe.py send PREFIX | report PCAP...
"""

import sys

from scapy.all import IP, TCP, Raw, Ether, conf, rdpcap, sendp

from nsutil import netns

conf.verb = 0

CL_MAC, GW0_MAC = "02:00:00:00:00:02", "02:00:00:00:00:01"
SRV_MAC, GW1_MAC = "02:00:00:00:01:02", "02:00:00:00:01:01"
OPTS = [("MSS", 1460), ("NOP", None), ("NOP", None), ("SAckOK", b""), ("NOP", None),
        ("WScale", 7)]

CASES = [
    # (from, sport, dport, options, payload)
    ("cl", 2001, 1001, OPTS, b""),                      # clamp: egress eth1 MTU 1400
    ("cl", 2002, 1001, [], b""),                        # clamp, no option: one is added
    ("cl", 2003, 1001, [("WScale", 7)], b""),           # added before the others
    ("cl", 2004, 1001, [], b"data"),                    # data after the header: untouched
    ("cl", 2005, 1002, OPTS, b""),                      # --set-mss 1200
    ("cl", 2006, 1003, OPTS, b""),                      # --set-mss 1600: never raised
    ("cl", 2007, 1002, [("NOP", None), ("MSS", 1460), ("NOP", None), ("NOP", None),
                        ("NOP", None)], b""),           # option at an odd offset
    ("cl", 2008, 1004, [], b""),                        # --set-mss 300 without option
    ("srv", 2009, 1001, OPTS, b""),                     # back path is eth1 (1400)
]


def send(prefix):
    for who, sport, dport, opts, data in CASES:
        if who == "cl":
            frame = Ether(src=CL_MAC, dst=GW0_MAC) / IP(src="198.51.100.2", dst="192.168.1.2")
        else:
            frame = Ether(src=SRV_MAC, dst=GW1_MAC) / IP(src="192.168.1.2", dst="198.51.100.2")
        frame = frame / TCP(sport=sport, dport=dport, flags="S", seq=1000, options=opts)
        if data:
            frame = frame / Raw(data)
        with netns(prefix + who):
            sendp(frame, iface="eth0")


def report(pcaps):
    for path in pcaps:
        for p in rdpcap(path):
            if TCP not in p:
                continue
            ip, t = p[IP], p[TCP]
            raw = bytes(t)
            again = IP(bytes(ip))
            del again[TCP].chksum
            del again.chksum
            recomputed = IP(bytes(again))
            print("sport %d dport %d iplen %d doff %d opts %s tcpcsum %s ipcsum %s" % (
                t.sport, t.dport, ip.len, t.dataofs * 4, raw[20:t.dataofs * 4].hex(),
                "ok" if recomputed[TCP].chksum == t.chksum else "BAD",
                "ok" if recomputed.chksum == ip.chksum else "BAD"))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2])
    else:
        report(sys.argv[2:])
