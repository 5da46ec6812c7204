"""Send the header-rewrite probe datagrams (see ext_mangle_probe.sh); report arrivals.

usage: ext_mangle_probe.py send PREFIX | report PCAP
Prints one line per UDP datagram that reached the server:
  dport D tos 0xTT ttl N ipcsum ok|BAD
"""

import sys

from scapy.all import IP, UDP, Ether, conf, rdpcap, sendp

from nsutil import netns

conf.verb = 0

# (dport, tos, ttl) as sent by the client; the rules pick by destination port.
CASES = [(3001, 0x03, 64), (3001, 0xb8, 64), (3002, 0xc4, 64), (3003, 0xc4, 64),
         (3004, 0xc4, 64), (3005, 0xc4, 64), (3006, 0x00, 64), (3007, 0x00, 250),
         (3008, 0x00, 5), (3009, 0x00, 64)]


def send(prefix):
    for dport, tos, ttl in CASES:
        frame = (Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") /
                 IP(src="198.51.100.2", dst="192.168.1.2", tos=tos, ttl=ttl) /
                 UDP(sport=5000 + tos, dport=dport) / b"probe")
        with netns(prefix + "cl"):
            sendp(frame, iface="eth0")


def report(path):
    for p in rdpcap(path):
        if UDP not in p:
            continue
        ip = p[IP]
        again = IP(bytes(ip))
        del again.chksum
        ok = IP(bytes(again)).chksum == ip.chksum
        print("dport %d sport %d tos 0x%02x ttl %d ipcsum %s" % (
            p[UDP].dport, p[UDP].sport, ip.tos, ip.ttl, "ok" if ok else "BAD"))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2])
    else:
        report(sys.argv[2])
