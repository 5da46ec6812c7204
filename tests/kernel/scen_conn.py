"""The connection-state extensions on the kernel (tests/kernel/scenarios/conn).

  cl  -> 203.0.113.2:8000   NETMAP to srv:8000: TCP connection A, accepted
  cl  -> 198.51.100.1:8080  addrtype LOCAL DNAT to srv:8000: connection B
  cl  -> 203.0.113.2:8000   a third connection from cl: connlimit above 2,
                            REJECT with a reset (connect refused)
  cl2 -> 203.0.113.2:8000   another source: its own count, accepted
  cl  -> 203.0.113.2:9000   five UDP datagrams: connbytes drops the 4th and
                            5th; srv answers the first (the reply gets the
                            connection's mark back through CONNMARK)
  cl  -> 192.168.1.2:7000   UDP under NOTRACK: forwarded untracked, no entry
The runner compares every frame that left the gateway, the final conntrack
table (with connbytes' accounting: packets= and bytes=) and the counters.
"""
import socket
import sys
import time

from scen_common import GW0, Lab, say

NET = "203.0.113.2"


def connect(lab, host, port, dst):
    s = lab.sock(host, socket.SOCK_STREAM, ("0.0.0.0", port))
    s.settimeout(2)
    try:
        s.connect(dst)
        say("%s -> %s:%d connected" % (host, dst[0], dst[1]))
        return s
    except OSError as e:
        say("%s -> %s:%d refused (%s)" % (host, dst[0], dst[1], e.__class__.__name__))
        s.close()
        return None
    finally:
        time.sleep(0.05)


def main():
    lab = Lab()
    srv = lab.sock("srv", socket.SOCK_STREAM, ("0.0.0.0", 8000))
    srv.listen(8)
    srv.settimeout(2)
    keep = [connect(lab, "cl", 40001, (NET, 8000)), connect(lab, "cl", 40002, (GW0, 8080)),
            connect(lab, "cl", 40003, (NET, 8000)), connect(lab, "cl2", 40004, (NET, 8000))]
    keep = [c for c in keep if c]
    peers = [srv.accept()[0] for _ in keep]
    lab.snap("after the TCP connections")

    u = lab.sock("srv", socket.SOCK_DGRAM, ("0.0.0.0", 9000))
    u.settimeout(0.3)
    c = lab.sock("cl", socket.SOCK_DGRAM, ("0.0.0.0", 41000))
    c.settimeout(0.3)
    for i in range(5):
        c.sendto(b"datagram %d" % i, (NET, 9000))
        try:
            data, peer = u.recvfrom(100)
            say("srv got %r" % data)
            if i == 0:
                u.sendto(b"answer", peer)
                say("cl got %r" % (c.recvfrom(100)[0],))
        except socket.timeout:
            say("srv got nothing for datagram %d" % i)
        time.sleep(0.05)

    n = lab.sock("srv", socket.SOCK_DGRAM, ("0.0.0.0", 7000))
    n.settimeout(0.5)
    c.sendto(b"untracked", ("192.168.1.2", 7000))
    try:
        say("srv:7000 got %r" % (n.recvfrom(100)[0],))
    except socket.timeout:
        say("srv:7000 got nothing")
    time.sleep(0.1)
    # Orderly closes, client first, one connection after the other.
    for c, p in zip(keep, peers):
        c.shutdown(socket.SHUT_WR)
        p.settimeout(2)
        say("server eof %r" % (p.recv(100),))
        time.sleep(0.05)
        p.close()
        c.settimeout(2)
        say("client eof %r" % (c.recv(100),))
        c.close()
        time.sleep(0.05)
    lab.snap("end")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
