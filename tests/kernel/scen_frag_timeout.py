"""Reassembly timeouts (tests/kernel/scenarios/frag_timeout).

cl sends the first fragment of two 3000-byte UDP datagrams to the port
forward 198.51.100.1:5000 (srv, deaf, behind DNAT), then the rest of one
29.5 s later (reassembled and forwarded) and of the other 33 s later: its
queue expired at ipfrag_time (30 s; the kernel's timer wheel fires up to
2.048 s late with HZ=250, so 30.6 s still got through on the kernel), and
since the datagram was addressed to the gateway itself the kernel sent the
source ICMP time exceeded (fragment reassembly time exceeded) quoting the
first fragment; the late pieces start a queue that never completes.
Compare with pcapdiff --ignore-ip-id: the kernel picks the ICMP's IP ID at
random (run: tests/kernel/run BUILD frag_timeout, IP ID of frame 1 on eth0).
"""
import sys
import time

from scen_frag_edge import datagram, piece
from scen_common import Lab, say


def main():
    lab = Lab()
    lab.deaf("srv")
    lab.deaf("cl")
    cuts = [(0, 1480, True), (1480, 1480, True), (2960, 48, False)]
    late, early = datagram(7011), datagram(7012)
    late = [piece(late, 7011, o, n, mf) for o, n, mf in cuts]
    early = [piece(early, 7012, o, n, mf) for o, n, mf in cuts]
    t0 = time.monotonic()
    lab.send("cl", late[0])
    lab.send("cl", early[0])
    time.sleep(max(0, t0 + 29.5 - time.monotonic()))
    lab.send("cl", early[1])
    lab.send("cl", early[2])
    time.sleep(max(0, t0 + 33 - time.monotonic()))
    lab.send("cl", late[1])
    lab.send("cl", late[2])
    say("sent the rest of two datagrams 29.5 and 33 s after their first fragments")
    lab.snap("end")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
