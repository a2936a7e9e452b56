#!/usr/bin/env python3
# make_dhcp_corpus.py - write the seed datagrams in tests/fuzz/corpus/dhcp/ (run once; the seeds are committed)
import os, struct, sys

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "dhcp")
os.makedirs(out, exist_ok=True)
COOKIE = bytes([99, 130, 83, 99])

def header(mac_last=1, ciaddr=b"\0" * 4, giaddr=b"\0" * 4, flags=0x8000, sname=b"", file=b""):
    mac = bytes([0x52, 0x54, 0, 0x12, 0x34, mac_last])
    return struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 0x11223344, 0, flags,
                       ciaddr, b"\0" * 4, b"\0" * 4, giaddr, mac + b"\0" * 10, sname, file) + COOKIE

def opt(code, data):
    return bytes([code, len(data)]) + data

def ip(text):
    return bytes(int(x) for x in text.split("."))

T = lambda t: opt(53, bytes([t]))
END = b"\xff"
seeds = {
    "redox_discover": header(0x56) + T(1) + END,
    "linux_discover": header(2) + T(1) + opt(55, bytes([1, 3, 6, 12, 15, 26, 28, 119, 121])) +
                      opt(57, b"\x02\x40") + opt(61, b"\x01\x52\x54\x00\x12\x34\x02") +
                      opt(12, b"guest") + END,
    "rapid_discover": header(3) + T(1) + opt(80, b"") + END,
    "selecting": header(0x56) + T(3) + opt(54, ip("172.16.0.1")) + opt(50, ip("172.16.0.2")) + END,
    "init_reboot": header(4) + T(3) + opt(50, ip("172.16.0.20")) + END,
    "renewing": header(4, ciaddr=ip("172.16.0.20"), flags=0) + T(3) + END,
    "decline": header(4) + T(4) + opt(54, ip("172.16.0.1")) + opt(50, ip("172.16.0.20")) + END,
    "release": header(4, ciaddr=ip("172.16.0.20")) + T(7) + opt(54, ip("172.16.0.1")) + END,
    "inform": header(5, ciaddr=ip("172.16.0.77")) + T(8) + opt(55, bytes([6, 15])) + END,
    "relayed": header(6, giaddr=ip("10.1.1.1")) + T(1) + END,
    "overload_both": header(7, sname=T(3) + END, file=opt(50, ip("172.16.0.30")) + END) +
                     opt(52, b"\x03") + END,
    "hostile_hostname": header(8) + T(1) + opt(12, b"-%n\x1b[31m\n") + END,
    "split_prl": header(9) + T(1) + opt(55, bytes(range(1, 200))) + opt(55, bytes(range(1, 100))) + END,
    "journal_bind": b"bind 52:54:00:12:34:56 172.16.0.2 1700000000 a\\x25n",
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {out}", file=sys.stderr)
