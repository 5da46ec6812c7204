"""REJECT with icmp-port-unreachable and tcp-reset (tests/kernel/scenarios/reject).

cl reaches srv's port 9 over TCP and UDP, once directly (192.168.1.2:9) and
once through the DNAT port forward 198.51.100.1:81; FORWARD rejects all four.
The gateway's answers (RST+ACK, ICMP port unreachable) must come back to cl
as if from the address cl used: for the DNATed ones, from 198.51.100.1:81,
with the quoted packet translated back.  The runner masks the IP ID of the
ICMP errors the gateway makes (the kernel picks it at random); the RSTs
(ID 0) are compared exactly.
"""
import socket
import sys
import time

from scen_common import GW0, SRV, Lab, say


def main():
    lab = Lab()
    for i, dst in enumerate(((SRV, 9), (GW0, 81))):
        c = lab.sock("cl", socket.SOCK_STREAM, ("0.0.0.0", 42000 + i))
        c.settimeout(2)
        try:
            c.connect(dst)
            say("tcp %s:%d: connected (unexpected)" % dst)
        except ConnectionRefusedError:
            say("tcp %s:%d: refused (RST)" % dst)
        except socket.timeout:
            say("tcp %s:%d: timed out" % dst)
        c.close()
        time.sleep(0.05)
        u = lab.sock("cl", socket.SOCK_DGRAM, ("0.0.0.0", 43000 + i))
        u.settimeout(2)
        u.connect(dst)
        u.send(b"knock")
        try:
            u.recv(10)
            say("udp %s:%d: answered (unexpected)" % dst)
        except ConnectionRefusedError:
            say("udp %s:%d: refused (port unreachable)" % dst)
        except socket.timeout:
            say("udp %s:%d: timed out" % dst)
        u.close()
        time.sleep(0.05)
    lab.snap("after rejects")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
