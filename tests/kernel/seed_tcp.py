"""Driver of the seed scenario (tests/kernel/seed_forward.sh).

usage: seed_tcp.py MODE CLIENT_NS GW_NS SERVER_NS SNAPFILE
  MODE ok:   full connection, conntrack snapshot after every step of it.
  MODE drop: the gateway drops the server's replies in FORWARD; the client's
             connect() times out after its SYN retransmissions.
Prints one "key value" line per observation on stdout.
"""

import errno
import select
import socket
import sys
import time

from nsutil import Snapper, netns

# A fixed client port makes the frames of two runs identical (modulo ISNs,
# timestamps and IP IDs, which the kernel randomises).
CLIENT = ("198.51.100.2", 40000)
TARGET = ("198.51.100.1", 80)
LISTEN = ("192.168.1.2", 8080)


def wait_readable(sock, timeout):
    r, _, _ = select.select([sock], [], [], timeout)
    return bool(r)


def main():
    mode, cl, gw, srv, snapfile = sys.argv[1:6]
    snap = Snapper(gw, snapfile)

    with netns(srv):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(LISTEN)
        ls.listen(4)
    with netns(cl):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind(CLIENT)
    snap.snap("before connect")

    c.setblocking(False)
    try:
        c.connect(TARGET)
    except BlockingIOError:
        pass

    if mode == "drop":
        # SYN retransmissions go out at about 1 s and 3 s; look in between.
        for at in (0.5, 2.0, 4.0):
            time.sleep(max(0.0, at - (time.monotonic() - snap.t0)))
            snap.snap("connect pending")
        err = c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        _, w, _ = select.select([], [c], [], 0)
        print("connected", "no" if not w or err else "yes")
        c.close()
        # The server side saw SYNs and answered them; its half-open
        # connection sits in the accept queue only after the final ACK,
        # which never came: nothing to accept.
        ls.setblocking(False)
        try:
            ls.accept()
            print("server_accepted yes")
        except BlockingIOError:
            print("server_accepted no")
        ls.close()
        snap.snap("after client gave up")
        return 0

    _, w, _ = select.select([], [c], [], 5)
    err = c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if not w or err:
        print("connected no", errno.errorcode.get(err, err))
        return 1
    print("connected yes")
    c.setblocking(True)
    c.settimeout(5)
    ls.settimeout(5)
    s, peer = ls.accept()
    s.settimeout(5)
    print("server_peer %s:%d" % peer)
    snap.wait_state("ESTABLISHED")
    snap.snap("after handshake")

    c.sendall(b"ping\n")
    data = s.recv(100)
    print("server_got", data)
    snap.snap("after client data")
    s.sendall(b"pong\n")
    reply = c.recv(100)
    print("client_got", reply)
    snap.snap("after server reply")

    c.shutdown(socket.SHUT_WR)           # client FIN
    if s.recv(100) != b"":
        print("server_eof no")
        return 1
    # The server's ACK of that FIN may be delayed; wait for conntrack to see it.
    print("state_after_client_fin",
          "CLOSE_WAIT" if snap.wait_state("CLOSE_WAIT") else "not CLOSE_WAIT")
    snap.snap("after client FIN and its ACK")

    s.close()                            # server FIN
    if not wait_readable(c, 5) or c.recv(100) != b"":
        print("client_eof no")
        return 1
    print("state_after_server_fin",
          "TIME_WAIT" if snap.wait_state("TIME_WAIT") else "not TIME_WAIT")
    snap.snap("after server FIN and its ACK")
    c.close()
    ls.close()
    time.sleep(0.2)
    snap.snap("final")
    return 0


if __name__ == "__main__":
    sys.exit(main())
