"""Bulk TCP through a port forward (tests/kernel/scenarios/tcp_bulk).

cl uploads 256 KiB to srv through 198.51.100.1:80 -> 192.168.1.2:8080, srv
sends 256 KiB back, then both close.  Real stacks: window scaling, SACK,
timestamps, delayed and stretch ACKs, full-sized segments.  FORWARD drops
INVALID packets, so a packet the window tracking misjudged would be missing
from the simulator's output; the frames, the final entry and the counters
must all match.
"""
import select
import socket
import sys
import time

from scen_common import GW0, Lab, say

SIZE = 256 * 1024


def recv_all(s, n):
    got = 0
    while got < n:
        b = s.recv(65536)
        if not b:
            break
        got += len(b)
    return got


def main():
    lab = Lab()
    ls = lab.sock("srv", socket.SOCK_STREAM, ("0.0.0.0", 8080))
    ls.listen(4)
    ls.settimeout(5)
    c = lab.sock("cl", socket.SOCK_STREAM, ("0.0.0.0", 40000))
    c.settimeout(10)
    c.connect((GW0, 80))
    s, peer = ls.accept()
    s.settimeout(10)
    c.setblocking(False)
    s.setblocking(False)
    up = b"u" * SIZE
    sent = got = 0
    # Upload, pumping both ends from this one thread.
    while got < SIZE:
        _, w, _ = select.select([], [c] if sent < SIZE else [], [], 0)
        if w:
            sent += c.send(up[sent:sent + 65536])
        r, _, _ = select.select([s], [], [], 0.01)
        if r:
            got += len(s.recv(65536))
    say("srv got %d bytes" % got)
    down = b"d" * SIZE
    sent = got = 0
    while got < SIZE:
        _, w, _ = select.select([], [s] if sent < SIZE else [], [], 0)
        if w:
            sent += s.send(down[sent:sent + 65536])
        r, _, _ = select.select([c], [], [], 0.01)
        if r:
            got += len(c.recv(65536))
    say("cl got %d bytes" % got)
    c.setblocking(True)
    s.setblocking(True)
    c.shutdown(socket.SHUT_WR)
    say("srv eof %r" % s.recv(10))
    time.sleep(0.1)
    s.close()
    say("cl eof %r" % c.recv(10))
    c.close()
    time.sleep(0.2)
    lab.snap("end")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
