"""UDP forward and its timeout (tests/kernel/scenarios/udp_timeout).

Two flows through the DNAT port forward 198.51.100.1:5000-5001 -> srv, each
answered at once (reply seen, not yet ASSURED: timeout 30 s from the reply).
  flow A (cl:6000 -> :5000, reply at t=0.1): srv sends again at t=29.6, 0.5 s
         before the entry would expire: ESTABLISHED, forwarded, and (a packet
         after a reply, more than 2 s after creation) ASSURED with 120 s.
  flow B (cl:6001 -> :5001, reply at t=0.3): srv sends again at t=31.0, 0.7 s
         after the entry expired: no entry, so NEW from the LAN side, dropped by
         FORWARD's policy (and leaving no entry); then cl sends again at t=31.2:
         a NEW flow, DNATed and forwarded, [UNREPLIED].
uptables-sim runs on the capture's clock, so its entries must expire at the
same moments: the frames out of eth0/eth1, the final table and the counters
show whether they did.
"""
import socket
import sys
import time

from scen_common import CL, GW0, Lab, say


def main():
    lab = Lab()
    srv = {p: lab.sock("srv", socket.SOCK_DGRAM, ("0.0.0.0", p)) for p in (5000, 5001)}
    cli = {p: lab.sock("cl", socket.SOCK_DGRAM, ("0.0.0.0", p)) for p in (6000, 6001)}
    for s in list(srv.values()) + list(cli.values()):
        s.settimeout(2)
    t0 = time.monotonic()

    def at(t):
        time.sleep(max(0.0, t0 + t - time.monotonic()))

    def exchange(cport, sport, t):
        at(t)
        cli[cport].sendto(b"hello %d" % cport, (GW0, sport))
        data, peer = srv[sport].recvfrom(100)
        say("t=%.1f srv:%d got %r from %s:%d" % (t, sport, data, peer[0], peer[1]))
        at(t + 0.1)
        srv[sport].sendto(b"reply", peer)
        data, peer = cli[cport].recvfrom(100)
        say("t=%.1f cl:%d got %r from %s:%d" % (t + 0.1, cport, data, peer[0], peer[1]))

    exchange(6000, 5000, 0.0)
    exchange(6001, 5001, 0.2)
    lab.snap("both flows answered")
    at(29.6)
    srv[5000].sendto(b"late but in time", (CL, 6000))
    try:
        say("t=29.6 cl:6000 got %r" % (cli[6000].recvfrom(100)[0],))
    except socket.timeout:
        say("t=29.6 cl:6000 got nothing")
    at(31.0)
    srv[5001].sendto(b"too late", (CL, 6001))
    cli[6001].settimeout(0.15)
    try:
        say("t=31.0 cl:6001 got %r" % (cli[6001].recvfrom(100)[0],))
    except socket.timeout:
        say("t=31.0 cl:6001 got nothing")
    at(31.2)
    cli[6001].sendto(b"new flow", (GW0, 5001))
    data, peer = srv[5001].recvfrom(100)
    say("t=31.2 srv:5001 got %r from %s:%d" % (data, peer[0], peer[1]))
    time.sleep(0.05)
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
