#!/usr/bin/env python3
"""Compare two captures frame by frame, ignoring timestamps.

usage: pcapdiff.py EXPECTED.pcap ACTUAL.pcap [--ignore-ip-id]

Prints one line per difference and a last line "FRAMES n SAME k"; exits 1
when the captures differ.  --ignore-ip-id masks the IPv4 identification
field (and the header checksum it feeds) of ICMP errors the gateway itself
generates, where the kernel picks the ID at random; it is off by default
because forwarded frames must match exactly.
"""
import struct
import sys


def frames(path):
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
    out, off = [], 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        out.append(data[off:off + caplen])
        off += caplen
    return out


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
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    ignore_id = "--ignore-ip-id" in sys.argv
    if len(args) != 2:
        sys.exit(__doc__)
    exp, act = frames(args[0]), frames(args[1])
    same = 0
    for i in range(max(len(exp), len(act))):
        e = exp[i] if i < len(exp) else None
        a = act[i] if i < len(act) else None
        if e is not None and a is not None and ignore_id:
            e, a = mask_icmp_error_id(e), mask_icmp_error_id(a)
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
    print(f"FRAMES {max(len(exp), len(act))} SAME {same}")
    sys.exit(0 if same == max(len(exp), len(act)) else 1)


main()
