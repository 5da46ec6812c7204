#!/usr/bin/env python3
"""Compare two captures frame by frame, ignoring timestamps.

usage: pcapdiff.py EXPECTED.pcap ACTUAL.pcap [--ignore-ip-id]
                   [--map-ports LO-HI[,LO-HI] --map-file FILE] [--ip-only]

Prints one line per difference and a last line "FRAMES n SAME k"; exits 1
when the captures differ.  --ignore-ip-id masks the IPv4 identification
field (and the header checksum it feeds) of ICMP errors the gateway itself
generates, where the kernel picks the ID at random; it is off by default
because forwarded frames must match exactly.

--map-ports LO-HI: the kernel chose NAT ports in LO-HI at random (SNAT with
a port range).  A TCP/UDP port of an expected frame that differs from the
actual one is accepted when both are in the same LO-HI and the pairing is one to one
over the whole comparison (a kernel port always maps to the same port of
ours and back); the expected frame is then rewritten with our port and its
L4 checksum recomputed (after checking the kernel's was right), and must
match byte for byte.  The pairing is kept in --map-file (lines "K S") so
that several captures and the conntrack comparison share one mapping.

--ip-only: compare the IP packets only (Ethernet header stripped; NFLOG
captures, DLT 239, are read too: their payload TLV is the IP packet).  For
what a gateway delivers to itself, which the kernel shows only via NFLOG.
"""
import struct
import sys


def frames(path, ip_only=False):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        endian = ">"
    else:
        sys.exit(f"{path}: not a pcap file (pcapng is not read here)")
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0xFFFF
    out, off = [], 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        fr = data[off:off + caplen]
        off += caplen
        if ip_only:
            fr = strip_link(fr, linktype, path)
        out.append(fr)
    return out


def strip_link(fr, linktype, path):
    if linktype == 1:       # Ethernet
        return fr[14:]
    if linktype == 239:     # NFLOG: 4-byte header, then TLVs (length, type) in host order
        off = 4
        while off + 4 <= len(fr):
            tlen, ttype = struct.unpack("<HH", fr[off:off + 4])
            if tlen < 4:
                break
            if ttype == 9:  # NFULA_PAYLOAD
                return fr[off + 4:off + tlen]
            off += (tlen + 3) & ~3
        return b""
    sys.exit(f"{path}: link type {linktype} not supported with --ip-only")


def csum16(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


class PortMap:
    """One-to-one pairing of kernel-chosen ports with ours, in LO-HI."""

    def __init__(self, ranges, path):
        self.ranges, self.path = ranges, path
        self.k2s, self.s2k = {}, {}
        try:
            with open(path) as f:
                for line in f:
                    k, s = map(int, line.split())
                    self.k2s[k], self.s2k[s] = s, k
        except FileNotFoundError:
            pass

    def pair(self, k, s):
        if not any(lo <= k <= hi and lo <= s <= hi for lo, hi in self.ranges):
            return False
        if self.k2s.get(k, s) != s or self.s2k.get(s, k) != k:
            return False
        self.k2s[k], self.s2k[s] = s, k
        return True

    def save(self):
        with open(self.path, "w") as f:
            for k in sorted(self.k2s):
                f.write("%d %d\n" % (k, self.k2s[k]))


def map_ports(e, a, pm):
    """E with its NAT ports replaced by A's where PM allows it, else E."""
    if len(e) != len(a) or len(e) < 34 or e[12:14] != b"\x08\x00":
        return e
    ihl = (e[14] & 0x0F) * 4
    proto = e[23]
    l4 = 14 + ihl
    tot = struct.unpack("!H", e[16:18])[0]
    if proto not in (6, 17) or len(e) < l4 + 8 or 14 + tot > len(e):
        return e
    b = bytearray(e)
    changed = False
    for off in (l4, l4 + 2):
        k = struct.unpack("!H", e[off:off + 2])[0]
        s = struct.unpack("!H", a[off:off + 2])[0]
        if k != s:
            if not pm.pair(k, s):
                return e
            b[off:off + 2] = a[off:off + 2]
            changed = True
    if not changed:
        return e
    cks = l4 + (16 if proto == 6 else 6)
    seg = bytes(e[l4:14 + tot])
    pseudo = e[26:34] + struct.pack("!BBH", 0, proto, len(seg))
    if csum16(pseudo + seg) != 0xFFFF:
        return e        # the kernel's own checksum is wrong: leave it to differ
    b[cks:cks + 2] = b"\0\0"
    seg = bytes(b[l4:14 + tot])
    c = 0xFFFF - csum16(pseudo + seg)
    if proto == 17 and c == 0:
        c = 0xFFFF
    b[cks:cks + 2] = struct.pack("!H", c)
    return bytes(b)


def mask_icmp_error_id(fr):
    # Ethernet + IPv4 carrying ICMP type 3/11/12: zero the IP ID and checksum.
    if len(fr) < 14 + 21 or fr[12:14] != b"\x08\x00" or fr[14 + 9] != 1:
        return fr
    ihl = (fr[14] & 0x0F) * 4
    if len(fr) < 14 + ihl + 1 or fr[14 + ihl] not in (3, 11, 12):
        return fr
    b = bytearray(fr)
    b[18:20] = b"\0\0"
    b[24:26] = b"\0\0"
    return bytes(b)


def main():
    argv = sys.argv[1:]
    pm = None
    if "--map-ports" in argv:
        i = argv.index("--map-ports")
        j = argv.index("--map-file")
        ranges = [tuple(map(int, r.split("-"))) for r in argv[i + 1].split(",")]
        pm = PortMap(ranges, argv[j + 1])
        for k in sorted((i, j), reverse=True):
            del argv[k:k + 2]
    args = [a for a in argv if not a.startswith("--")]
    ignore_id = "--ignore-ip-id" in argv
    ip_only = "--ip-only" in argv
    if len(args) != 2:
        sys.exit(__doc__)
    exp, act = frames(args[0], ip_only), frames(args[1], ip_only)
    same = 0
    for i in range(max(len(exp), len(act))):
        e = exp[i] if i < len(exp) else None
        a = act[i] if i < len(act) else None
        if e is not None and a is not None and ignore_id:
            e, a = mask_icmp_error_id(e), mask_icmp_error_id(a)
        if e is not None and a is not None and pm is not None and e != a:
            e = map_ports(e, a, pm)
        if e == a:
            same += 1
            continue
        if e is None:
            print(f"frame {i + 1}: extra frame from uptables ({len(a)} bytes)")
        elif a is None:
            print(f"frame {i + 1}: missing (kernel sent {len(e)} bytes)")
        else:
            first = next((k for k in range(min(len(e), len(a))) if e[k] != a[k]), min(len(e), len(a)))
            print(f"frame {i + 1}: differs at byte {first} (kernel {len(e)} bytes, uptables {len(a)})")
            print("   kernel:   " + e[max(0, first - 4):first + 12].hex(" "))
            print("   uptables: " + a[max(0, first - 4):first + 12].hex(" "))
    if pm is not None:
        pm.save()
        if pm.k2s:
            print("ports (kernel -> ours): " +
                  " ".join("%d->%d" % kv for kv in sorted(pm.k2s.items())))
    print(f"FRAMES {max(len(exp), len(act))} SAME {same}")
    sys.exit(0 if same == max(len(exp), len(act)) else 1)


main()
