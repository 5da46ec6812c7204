#!/usr/bin/env python3
"""Rewrite NAT ports in a capture: the input side of pcapdiff.py --map-ports.

usage: pcapportmap.py IN.pcap OUT.pcap MAPFILE

When the kernel picked a SNAT port at random and uptables-sim picked another,
the replies that came back to the kernel's gateway (its captured input) are
addressed to the kernel's port, which means nothing to the simulator.  This
rewrites the destination port of every TCP/UDP frame in IN whose destination
port is a kernel port of MAPFILE (lines "KERNEL OURS", as pcapdiff.py writes
them) to our port, with the L4 checksum recomputed (after checking it was
right); everything else is copied unchanged.  tests/kernel/run alternates
replays and this rewrite until the pairing stops changing.
"""
import struct
import sys


def csum16(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def remap(fr, k2s):
    if len(fr) < 34 or fr[12:14] != b"\x08\x00":
        return fr
    ihl = (fr[14] & 0x0F) * 4
    proto = fr[23]
    l4 = 14 + ihl
    tot = struct.unpack("!H", fr[16:18])[0]
    if proto not in (6, 17) or len(fr) < l4 + 8 or 14 + tot > len(fr):
        return fr
    dport = struct.unpack("!H", fr[l4 + 2:l4 + 4])[0]
    if dport not in k2s:
        return fr
    pseudo = fr[26:34] + struct.pack("!BBH", 0, proto, tot - ihl)
    if csum16(pseudo + fr[l4:14 + tot]) != 0xFFFF:
        return fr
    b = bytearray(fr)
    b[l4 + 2:l4 + 4] = struct.pack("!H", k2s[dport])
    cks = l4 + (16 if proto == 6 else 6)
    b[cks:cks + 2] = b"\0\0"
    c = 0xFFFF - csum16(pseudo + bytes(b[l4:14 + tot]))
    if proto == 17 and c == 0:
        c = 0xFFFF
    b[cks:cks + 2] = struct.pack("!H", c)
    return bytes(b)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    k2s = {}
    with open(sys.argv[3]) as f:
        for line in f:
            k, s = map(int, line.split())
            k2s[k] = s
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    out, off = [data[:24]], 24
    while off + 16 <= len(data):
        hdr = data[off:off + 16]
        caplen = struct.unpack(endian + "IIII", hdr)[2]
        fr = data[off + 16:off + 16 + caplen]
        out.append(hdr + remap(fr, k2s))
        off += 16 + caplen
    with open(sys.argv[2], "wb") as f:
        f.write(b"".join(out))


main()
