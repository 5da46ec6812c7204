"""Kernel verdicts of -m sctp / dccp / esp / ipcomp for tests/unit/test_ext_proto.c.

Runs inside one namespace made by ext_proto_rows.sh (lo up).  Each case is two
OUTPUT rules for the protocol: the case's rule, then a bare one.  One packet with
the case's transport bytes leaves through a raw socket to 127.0.0.1; the first
counter says whether the match matched, and both counters at 0 say the packet
was dropped by the match (hotdrop).  Prints C rows:
  {"options of -m sctp|dccp|esp|ipcomp (by proto)", proto, "transport bytes hex", matched,
   dropped},
Random cases come from a fixed seed, so a rerun prints the same rows.
"""

import random
import socket
import struct
import subprocess
import sys

NAMES = {0: "DATA", 1: "INIT", 2: "INIT_ACK", 3: "SACK", 4: "HEARTBEAT", 5: "HEARTBEAT_ACK",
         6: "ABORT", 7: "SHUTDOWN", 8: "SHUTDOWN_ACK", 9: "ERROR", 10: "COOKIE_ECHO",
         11: "COOKIE_ACK", 12: "ECN_ECNE", 13: "ECN_CWR", 14: "SHUTDOWN_COMPLETE"}
FLAGS = {0: "----IUBE", 6: "-------T", 14: "-------T"}


def ipt(*args):
    subprocess.run(["iptables", *args], check=True)


def counters():
    out = subprocess.run(["iptables", "-L", "OUTPUT", "-v", "-x", "-n"],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    return [int(line.split()[0]) for line in out.splitlines()[2:]]


def verdict(proto, args, l4):
    ipt("-F", "OUTPUT")
    ipt("-A", "OUTPUT", "-o", "lo", "-p", str(proto), *args)
    ipt("-A", "OUTPUT", "-o", "lo", "-p", str(proto))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
    try:
        s.sendto(l4, ("127.0.0.1", 0))
    except OSError:
        pass  # the drop shows in the counters (EPERM from a dropped output packet)
    s.close()
    c = counters()
    ipt("-F", "OUTPUT")
    return c[0] == 1, c[0] == 0 and c[1] == 0


MATCH = {132: "sctp", 33: "dccp", 50: "esp", 108: "ipcomp"}


def row(proto, args, l4):
    m, d = verdict(proto, ["-m", MATCH[proto]] + (args.split() if args else []), l4)
    print('    {"%s", %d, "%s", %d, %d},' % (args, proto, l4.hex(), m, d))


def sctp_pkt(chunks, sport=5000, dport=80):
    b = struct.pack("!HHII", sport, dport, 0x01020304, 0)
    for t, fl, ln in chunks:
        c = struct.pack("!BBH", t, fl, ln) + bytes(max(ln - 4, 0))
        b += c + bytes((-len(c)) % 4)
    return b


def sctp_rows(rng):
    types = list(NAMES)
    for _ in range(120):
        chunks = []
        for _ in range(rng.randint(1, 4)):
            t = rng.choice(types)
            chunks.append((t, rng.randint(0, 15), rng.choice([4, 5, 8, 16, 17])))
        kind = rng.choice(["any", "all", "only"])
        listed = rng.sample(types, rng.randint(1, 4))
        if rng.random() < 0.5:
            listed += [c[0] for c in chunks[: rng.randint(0, len(chunks))]]
        parts, seen = [], set()
        for t in listed:
            if t in seen:
                continue
            seen.add(t)
            s = NAMES[t]
            if t in FLAGS and rng.random() < 0.7:
                letters = [ch for ch in FLAGS[t] if ch != "-"]
                pick = rng.sample(letters, rng.randint(1, len(letters)))
                s += ":" + "".join(ch if rng.random() < 0.5 else ch.lower() for ch in pick)
            parts.append(s)
        inv = "! " if rng.random() < 0.25 else ""
        row(132, "%s--chunk-types %s %s" % (inv, kind, ",".join(parts)), sctp_pkt(chunks))
    # Ports and the short/malformed packets the kernel drops.
    ok = sctp_pkt([(0, 3, 20)])
    for args in ("--sport 5000", "! --sport 5000", "--dport 1:79", "! --dport 1:79",
                 "--sport 5000 --dport 80"):
        row(132, args, ok)
    for args in ("", "--dport 80", "--chunk-types any DATA", "! --chunk-types any INIT"):
        for l4 in (ok[:8], ok[:12], ok[:14], sctp_pkt([(0, 0, 0)]) + bytes(16)):
            row(132, args, l4)
    row(132, "--chunk-types all INIT,COOKIE_ECHO", sctp_pkt([(1, 0, 17), (10, 0, 8)]))
    row(132, "--chunk-types only INIT,COOKIE_ECHO", sctp_pkt([(1, 0, 17), (10, 0, 8)]))


def dccp_pkt(typ, x, doff, hlen, opts=b"", sport=6000, dport=443):
    b = bytearray(hlen)
    struct.pack_into("!HHB", b, 0, sport, dport, doff)
    b[8] = (typ << 1) | (1 if x else 0)
    return bytes(b) + opts


def dccp_rows(rng):
    req = dccp_pkt(0, True, 6, 20, bytes([1, 32, 3, 0xAA]))
    for args in ("--dccp-option 1", "--dccp-option 32", "--dccp-option 170", "--dccp-option 3",
                 "! --dccp-option 3", "! --dccp-option 32"):
        row(33, args, req)
    for typ, x, hlen in ((2, False, 12), (3, True, 24), (1, True, 28), (7, True, 28),
                         (0, False, 16), (11, True, 28)):
        opts = bytes([32, 2, 0, 0])
        row(33, "--dccp-option 32", dccp_pkt(typ, x, (hlen + 4) // 4, hlen, opts))
        if hlen - 4 >= 12:
            row(33, "--dccp-option 32",
                dccp_pkt(typ, x, (hlen + 4) // 4, hlen - 4, opts) + bytes(4))
    # Malformed: data offset below the header, options cut off, under 12 bytes.
    row(33, "--dccp-option 32", dccp_pkt(0, True, 4, 20))
    row(33, "! --dccp-option 32", dccp_pkt(0, True, 4, 20))
    row(33, "--dccp-option 32", dccp_pkt(0, True, 10, 20, bytes([32, 2, 0, 0])))
    row(33, "--dccp-option 32", dccp_pkt(0, True, 5, 20)[:11])
    row(33, "--dccp-option 32 --sport 6000", dccp_pkt(0, True, 5, 20))


def spi_rows():
    esp = struct.pack("!II", 0x1000, 7) + bytes(8)
    for args in ("", "--espspi 0x1000", "--espspi 4097:", "! --espspi 4097:", "--espspi :4095",
                 "! --espspi 0:4294967295", "--espspi 1:4294967295"):
        row(50, args, esp)
    comp = bytes([4, 0x42, 0x42, 0x42, 0, 0, 0, 0])
    for args in ("--ipcompspi 0x4242", "--ipcompspi 0x04424242", "! --ipcompspi 70000",
                 "--ipcompspi 1:0x4242", "", "--ipcompspi :", "--compres --ipcompspi 0x4242"):
        row(108, args, comp)
    row(108, "--ipcompspi :", comp[:3])


def short_rows():
    """Packets too short for the header: every rule drops them, whether iptables-nft 1.8.9
    made it a native nft expression (ports, types, SPIs) or kept the xt match."""
    sctp = sctp_pkt([(0, 3, 20)])
    for args in ("", "--sport 5000", "--dport 80", "--chunk-types any DATA"):
        for n in (2, 4, 8, 11):
            row(132, args, sctp[:n])
    dccp = dccp_pkt(2, True, 4, 16)
    for args in ("", "--sport 6000", "--dport 443", "--dccp-types DATA", "--dccp-option 5"):
        for n in (2, 4, 8, 11):
            row(33, args, dccp[:n])
    esp = struct.pack("!II", 0x1000, 7)
    for args in ("", "--espspi 0x1000", "! --espspi 5"):
        for n in (2, 4, 7):
            row(50, args, esp[:n])
    comp = bytes([4, 0, 0x42, 0x42])
    for args in ("--ipcompspi :", "--ipcompspi 0x4242", "! --ipcompspi 5"):
        for n in (1, 2, 3):
            row(108, args, comp[:n])


def main():
    what = sys.argv[1]
    rng = random.Random(20261124)
    if what == "sctp":
        sctp_rows(rng)
    elif what == "dccp":
        dccp_rows(rng)
    elif what == "short":
        short_rows()
    elif what == "spi":
        spi_rows()
    elif what == "nft":
        ipt("-A", "OUTPUT", "-p", "dccp", "-m", "dccp", "--dccp-option", "5")
        ipt("-A", "OUTPUT", "-p", "dccp", "-m", "dccp", "--dccp-types", "DATA")
        ipt("-A", "OUTPUT", "-p", "esp", "-m", "esp", "--espspi", "5")
        ipt("-A", "OUTPUT", "-p", "ipcomp", "-m", "ipcomp", "--ipcompspi", "5")
        ipt("-A", "OUTPUT", "-p", "sctp", "-m", "sctp", "--dport", "5")
        subprocess.run(["nft", "list", "chain", "ip", "filter", "OUTPUT"], check=True)


main()
