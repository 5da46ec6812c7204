"""ICMP port unreachable back through NAT (tests/kernel/scenarios/icmp_unreach).

srv (behind MASQUERADE) sends to cl:9999, where nothing listens: cl's stack
answers "port unreachable" to 198.51.100.1, and the gateway must send it on
to srv with the outer destination and the quoted (inner) source rewritten
back to srv's own address and port, checksums fixed (ctstate RELATED).  Then
cl sends to 198.51.100.1:7000, forwarded to srv:7001 where nothing listens:
srv's error has its outer source and inner destination rewritten back to
198.51.100.1:7000.  The sockets are connected, so the senders see the error
(ECONNREFUSED): driver.txt says so.
"""
import socket
import sys
import time

from scen_common import CL, GW0, Lab, say


def probe(lab, host, sport, dst, label):
    s = lab.sock(host, socket.SOCK_DGRAM, ("0.0.0.0", sport))
    s.settimeout(2)
    s.connect(dst)
    s.send(b"anyone there?")
    try:
        s.recv(100)
        say("%s: got an answer (unexpected)" % label)
    except ConnectionRefusedError:
        say("%s: connection refused (port unreachable came back)" % label)
    except socket.timeout:
        say("%s: no error came back" % label)
    s.close()
    time.sleep(0.05)


def main():
    lab = Lab()
    probe(lab, "srv", 5555, (CL, 9999), "srv -> cl:9999 via MASQUERADE")
    probe(lab, "cl", 5556, (GW0, 7000), "cl -> 198.51.100.1:7000 via DNAT")
    lab.snap("after both errors")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
