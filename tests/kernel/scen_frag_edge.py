"""Crafted fragments through a UDP port forward (tests/kernel/scenarios/frag_edge).

cl sends hand-cut fragments of 3000-byte UDP datagrams to the port forward
198.51.100.1:5000 (srv, deaf, behind DNAT); each case is its own datagram
(IP ID and source port), so the kernel's reassembly queues are separate:
  1  in order, no DF                 2  DF on every fragment
  3  out of order (3, 1, 2)          4  first fragment twice (duplicate)
  5  an overlapping piece after the first: the datagram is lost
  6  irregular sender: 1000 + 1008 + 1000 bytes (which geometry leaves?)
  7  a non-last fragment of 1003 bytes (cut to 1000 by the receiver)
  8  ECN: CE on one fragment, ECT(0) on the others
  9  ECN: Not-ECT mixed with ECT(0): the datagram is lost
 10  a piece inside the first fragment (duplicate, not identical)
 13  first fragment, then 70 fragments of 35 small datagrams from the same
     source, then the rest (ipfrag_max_dist 64: the kernel restarts the queue)
The timeouts are in scen_frag_timeout.py (they outlast the UDP entries here).
What leaves eth1 is compared with uptables-sim by tests/kernel/run.
"""
import sys

from scapy.all import IP, UDP, Raw, raw

from scen_common import CL, GW0, Lab, say


def datagram(sport, n=3000):
    """The whole datagram's transport bytes (UDP header + payload, checksum set)."""
    payload = bytes((i * 7 + sport) & 0xFF for i in range(n))
    whole = IP(src=CL, dst=GW0, ttl=64, id=sport, proto=17) / UDP(sport=sport, dport=5000) / Raw(payload)
    return raw(whole)[20:]


def piece(l4, ipid, off, length, mf, df=False, tos=0):
    flags = (2 if df else 0) | (1 if mf else 0)
    return IP(src=CL, dst=GW0, ttl=64, id=ipid, proto=17, tos=tos, flags=flags,
              frag=off // 8) / Raw(l4[off:off + length])


def main():
    lab = Lab()
    lab.deaf("srv")
    cuts = [(0, 1480, True), (1480, 1480, True), (2960, 48, False)]

    def std(sport, order=(0, 1, 2), df=False, tos=(0, 0, 0)):
        l4 = datagram(sport)
        return [piece(l4, sport, cuts[i][0], cuts[i][1], cuts[i][2], df, tos[i]) for i in order]

    cases = []
    cases.append(("in order", std(7001)))
    cases.append(("DF on every fragment", std(7002, df=True)))
    cases.append(("out of order", std(7003, order=(2, 0, 1))))
    cases.append(("duplicate first fragment", std(7004, order=(0, 0, 1, 2))))
    l4 = datagram(7005)
    cases.append(("overlap", [piece(l4, 7005, 0, 1480, True), piece(l4, 7005, 1472, 16, True),
                              piece(l4, 7005, 1480, 1480, True), piece(l4, 7005, 2960, 48, False)]))
    l4 = datagram(7006)
    cases.append(("irregular sizes", [piece(l4, 7006, 0, 1000, True),
                                      piece(l4, 7006, 1000, 1008, True),
                                      piece(l4, 7006, 2008, 1000, False)]))
    l4 = datagram(7007)
    cases.append(("odd non-last length", [piece(l4, 7007, 0, 1003, True),
                                          piece(l4, 7007, 1000, 1480, True),
                                          piece(l4, 7007, 2480, 528, False)]))
    cases.append(("CE with ECT(0)", std(7008, tos=(2, 3, 2))))
    cases.append(("Not-ECT with ECT(0)", std(7009, tos=(0, 2, 0))))
    l4 = datagram(7010)
    cases.append(("piece inside the first", [piece(l4, 7010, 0, 1480, True),
                                             piece(l4, 7010, 8, 64, True),
                                             piece(l4, 7010, 1480, 1480, True),
                                             piece(l4, 7010, 2960, 48, False)]))
    for name, frags in cases:
        for f in frags:
            lab.send("cl", f)
        say("sent %s (%d fragments)" % (name, len(frags)))
    far = std(7013)
    lab.send("cl", far[0])
    for k in range(35):
        small = datagram(7100 + k, 8)
        lab.send("cl", piece(small, 7100 + k, 0, 8, True), settle=0.01)
        lab.send("cl", piece(small, 7100 + k, 8, 8, False), settle=0.01)
    lab.send("cl", far[1])
    lab.send("cl", far[2])
    say("sent a datagram with 70 other fragments in between")
    lab.snap("end")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
