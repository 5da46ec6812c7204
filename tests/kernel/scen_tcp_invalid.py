"""TCP RST and out-of-window (INVALID) packets (tests/kernel/scenarios/tcp_invalid).

Every segment of both ends is crafted (scapy; cl and srv drop all input, so
their stacks never answer), through the DNAT port forward 198.51.100.1:80 ->
192.168.1.2:8080.  mangle PREROUTING counts each packet's ctstate and INPUT
and FORWARD drop INVALID ones, so the counters and the frames that leave show
how conntrack classified every packet (an INVALID packet is not NATed: it is
addressed to the gateway and goes to INPUT; see rules.v4).

Connection 1 (cl:41000): handshake, 5 data bytes and their ACK, then
  - data 100000000 beyond the window            (INVALID: dropped)
  - data acking 100000000 beyond what srv sent  (INVALID: dropped)
  - RST 100000000 beyond the window             (INVALID: dropped)
  - srv data in window, cl ACKs it              (ESTABLISHED)
  - RST in window from cl                       (ESTABLISHED: entry to CLOSE)
  - cl data after the RST                       (whatever the kernel says)
Connection 2 (cl:41001): SYN, srv answers RST/ACK (refused: the entry goes at
  once), cl's SYN again (NEW again).
Strays: SYN/ACK with no connection (cl:41002), FIN alone (cl:41003), an ACK
  with no connection (cl:41004: NEW under nf_conntrack_tcp_loose=1).
"""
import sys

from scapy.all import IP, TCP, Raw

from scen_common import CL, GW0, SRV, Lab, say

BIG = 100000000


def c2s(sport, flags, seq, ack=0, load=b""):
    p = IP(src=CL, dst=GW0, ttl=64, id=sport & 0xFFFF) / TCP(
        sport=sport, dport=80, flags=flags, seq=seq, ack=ack, window=65535)
    return p / Raw(load) if load else p


def s2c(sport, flags, seq, ack=0, load=b""):
    p = IP(src=SRV, dst=CL, ttl=64, id=0) / TCP(
        sport=8080, dport=sport, flags=flags, seq=seq, ack=ack, window=65535)
    return p / Raw(load) if load else p


def main():
    lab = Lab()
    lab.deaf("cl")
    lab.deaf("srv")
    a, b, p = 1000, 5000, 41000
    steps = [
        ("cl", "SYN", c2s(p, "S", a)),
        ("srv", "SYN/ACK", s2c(p, "SA", b, a + 1)),
        ("cl", "ACK", c2s(p, "A", a + 1, b + 1)),
        ("cl", "data", c2s(p, "PA", a + 1, b + 1, b"hello")),
        ("srv", "ACK of data", s2c(p, "A", b + 1, a + 6)),
        ("cl", "data out of window", c2s(p, "PA", a + 6 + BIG, b + 1, b"late!")),
        ("cl", "data acking unsent bytes", c2s(p, "PA", a + 6, b + 1 + BIG, b"ahead")),
        ("cl", "RST out of window", c2s(p, "R", a + 6 + BIG)),
        ("srv", "data", s2c(p, "PA", b + 1, a + 6, b"world")),
        ("cl", "ACK of data", c2s(p, "A", a + 6, b + 6)),
        ("cl", "RST in window", c2s(p, "R", a + 6)),
        ("cl", "data after RST", c2s(p, "PA", a + 6, b + 6, b"again")),
        ("cl", "SYN 2", c2s(p + 1, "S", a)),
        ("srv", "RST/ACK 2", s2c(p + 1, "RA", 0, a + 1)),
        ("cl", "SYN 2 again", c2s(p + 1, "S", a)),
        ("cl", "stray SYN/ACK", c2s(p + 2, "SA", a, b)),
        ("cl", "stray FIN", c2s(p + 3, "F", a)),
        ("cl", "stray ACK", c2s(p + 4, "A", a, b)),
    ]
    for who, label, pkt in steps:
        lab.send(who, pkt)
        say("%s %s: %s" % (who, label, pkt.summary()))
        lab.snap("after %s %s" % (who, label))
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
