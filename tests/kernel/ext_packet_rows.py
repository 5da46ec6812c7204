"""Kernel verdicts of -m string / -m u32 / -m pkttype for tests/unit/test_ext_packet.c.

Runs inside one namespace made by ext_packet_rows.sh (lo up, a veth d0 (peer d1) with
10.9.0.1/24).  Each case is one rule in OUTPUT, counted while one UDP packet
127.0.0.1:40000 -> 127.0.0.1:9999 with the case's payload leaves; the rule's
packet counter is the kernel's verdict.  Prints C table rows:
  string: {algo, icase, "pattern hex", "payload hex", from, to, matched},
  u32:    {"expr", "payload hex", matched},
  pkttype (OUTPUT, -o d0): {"destination", "type", matched}.
Random cases come from a fixed seed, so a rerun prints the same rows.
"""

import random
import socket
import subprocess
import sys


def ipt(*args):
    subprocess.run(["iptables", *args], check=True)


def counter():
    out = subprocess.run(["iptables", "-L", "OUTPUT", "-v", "-x", "-n"],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    lines = out.splitlines()[2:]
    return int(lines[0].split()[0]) if lines else -1


def send_lo(payload):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 40000))
    s.sendto(payload, ("127.0.0.1", 9999))
    s.close()


def verdict(match_args, payload, send=send_lo, out_if="lo"):
    ipt("-F", "OUTPUT")
    ipt("-A", "OUTPUT", "-o", out_if, "-p", "udp", "--dport", "9999", *match_args)
    send(payload)
    n = counter()
    ipt("-F", "OUTPUT")
    return n == 1


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def string_rows():
    rng = random.Random(20261124)
    cases = []
    for _ in range(160):
        alpha = rng.choice([b"abc", b"ab", b"aAbB"])
        n = rng.randint(4, 40)
        payload = bytes(rng.choice(alpha) for _ in range(n))
        m = rng.randint(1, 6)
        pat = bytes(rng.choice(alpha) for _ in range(m))
        frm = rng.randint(28, 28 + n)
        to = frm + rng.randint(0, 48)
        cases.append((rng.choice(["bm", "kmp"]), alpha == b"aAbB" and rng.random() < 0.7,
                      pat, payload, frm, to))
    # ISO 8859-1 case folding of the kernel's ctype.
    for algo in ("bm", "kmp"):
        for pat, pl in ((b"\xe9t\xe9", b"x\xc9T\xc9y"), (b"\xc9", b"\xe9"), (b"\xbf", b"\xdf"),
                        (b"\xdf", b"\xff"), (b"\xd7", b"\xf7"), (b"a\xff", b"A\xdf")):
            cases.append((algo, True, pat, pl, 0, 65535))
    for algo, icase, pat, pl, frm, to in cases:
        args = ["-m", "string", "--algo", algo, "--hex-string", "|" + pat.hex() + "|",
                "--from", str(frm), "--to", str(to)]
        if icase:
            args.append("--icase")
        got = verdict(args, pl)
        print("    {%s, %d, %s, %s, %d, %d, %d}," % (cstr(algo), icase, cstr(pat.hex()),
                                                     cstr(pl.hex()), frm, to, got))


def u32_rows():
    pl = b"GET /xyz"
    exprs = ["0>>28=4", "6&0xFF=17", "6&0xFF=6", "0>>22&0x3C@0>>16=40000",
             "0>>22&0x3C@0&0xFFFF=9999", "0>>22&0x3C@8=0x47455420", "0>>22&0x3C@12=0x2f78797a",
             "0>>22&0x3C@13=0", "0>>22&0x3C@12>>26@0=0", "32=0x2f78797a", "33=0",
             "0&0xFFFF=36", "0&0xFFFF=1:35,37", "0=5:1", "6&0xFF=17&&0>>28=6",
             "0>>22&0x3C@4>>16=16", "0>>22&0x3C@0xffffffff=0", "0xffffffff=0",
             "0>>24@0x20=0x2f78797a", "0>>24@0x1d=0"]
    for e in exprs:
        for inv in (False, True):
            args = ["-m", "u32"] + (["!"] if inv else []) + ["--u32", e]
            got = verdict(args, pl)
            print("    {%s, %d, %s, %d}," % (cstr(e), inv, cstr(pl.hex()), got))


def pkttype_rows():
    def sender(dst):
        def send(payload):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("10.9.0.1"))
            s.sendto(payload, (dst, 9999))
            s.close()
        return send
    for dst in ("10.9.0.2", "10.9.0.255", "224.0.0.7"):
        for t in ("unicast", "broadcast", "multicast"):
            got = verdict(["-m", "pkttype", "--pkt-type", t], b"x", sender(dst), "d0")
            print("    {%s, %s, %d}," % (cstr(dst), cstr(t), got))


def main():
    which = sys.argv[1]
    {"string": string_rows, "u32": u32_rows, "pkttype": pkttype_rows}[which]()


main()
