"""A DNAT rule added while a connection exists (tests/kernel/scenarios/dnat_added).

cl connects to srv:80 directly (no NAT table yet) and exchanges data.  Then the
gateway gets nat-add.v4 (iptables-restore --noflush: DNAT of tcp port 80 to
port 8080).  The open connection must keep going to port 80 untouched (the NAT
decision of a connection is taken at its first packet and frozen), while a new
connection from cl to srv:80 lands on port 8080.  The moment of the change (the
capture's clock, just after iptables-restore returned) goes to rules-at.txt;
the runner hands it to uptables-sim as --rules-at SECONDS=nat-add.v4.

dnat_added_notrack (scen_dnat_added_notrack.py): the same with no rule that
needs conntrack before the change.  The kernel then runs no connection
tracking in the namespace at all until the nat table appears; the open
connection's next segment is picked up mid-stream as NEW
(nf_conntrack_tcp_loose=1), goes through the new DNAT rule to port 8080,
where srv has no such connection and answers RST: the old connection dies.
"""
import os
import socket
import subprocess
import sys
import time

from scen_common import SRV, Lab, say


def main():
    lab = Lab()
    l80 = lab.sock("srv", socket.SOCK_STREAM, ("0.0.0.0", 80))
    l8080 = lab.sock("srv", socket.SOCK_STREAM, ("0.0.0.0", 8080))
    for ls in (l80, l8080):
        ls.listen(4)
        ls.settimeout(3)
    c1 = lab.sock("cl", socket.SOCK_STREAM, ("0.0.0.0", 44000))
    c1.settimeout(3)
    c1.connect((SRV, 80))
    s1, peer = l80.accept()
    s1.settimeout(3)
    c1.sendall(b"before\n")
    say("port 80 got %r from %s:%d" % (s1.recv(100), peer[0], peer[1]))
    s1.sendall(b"ok1\n")
    say("cl got %r" % c1.recv(100))
    time.sleep(0.3)             # let delayed ACKs go before the change
    lab.snap("before the rule change")

    here = os.path.dirname(os.path.abspath(__file__))
    name = os.path.basename(sys.argv[0])[len("scen_"):-len(".py")]
    with open(os.path.join(here, "scenarios", name, "nat-add.v4")) as f:
        subprocess.run(["ip", "netns", "exec", lab.gw, "iptables-restore", "--noflush"],
                       stdin=f, check=True)
    at = time.time()
    with open(os.path.join(lab.out, "rules-at.txt"), "w") as f:
        f.write("%.6f nat-add.v4\n" % at)
    time.sleep(0.1)
    say("DNAT rule added")

    c1.sendall(b"after\n")
    try:
        s1.settimeout(1)
        say("old connection: port 80 got %r" % s1.recv(100))
        s1.sendall(b"ok2\n")
        say("cl got %r" % c1.recv(100))
    except OSError as e:
        say("old connection broke: %r" % e)
        c1.settimeout(0.5)
        try:
            say("cl got %r" % c1.recv(100))
        except OSError as e2:
            say("cl: %r" % e2)

    c2 = lab.sock("cl", socket.SOCK_STREAM, ("0.0.0.0", 44001))
    c2.settimeout(3)
    c2.connect((SRV, 80))
    s2, peer = l8080.accept()
    s2.settimeout(3)
    c2.sendall(b"new\n")
    say("new connection: port 8080 got %r from %s:%d" % (s2.recv(100), peer[0], peer[1]))
    for c, s in ((c1, s1), (c2, s2)):
        c.close()
        time.sleep(0.05)
        s.close()
        time.sleep(0.1)
    lab.snap("after both connections")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
