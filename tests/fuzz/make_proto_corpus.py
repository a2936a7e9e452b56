#!/usr/bin/env python3
# make_proto_corpus.py - write the seeds in tests/fuzz/corpus/proto/ (run once; the seeds are committed)
# An argv seed is the helper's arguments after argv[0], separated by NUL bytes; a reply seed
# is a 256-byte header in the layout of lib/proto.c (host byte order: little-endian here).
import os, struct

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "proto")
os.makedirs(out, exist_ok=True)

def argv(*words):
    return b"\0".join(w.encode() for w in words)

def reply(status, kind, ifname, ifindex, mac, mtu, queues, error=b""):
    b = bytearray(256)
    struct.pack_into("<IHH", b, 0, 0x484E5852, 1, status)
    b[8] = kind
    b[12:12 + len(ifname)] = ifname
    struct.pack_into("<I", b, 28, ifindex)
    b[32:38] = mac
    struct.pack_into("<II", b, 40, mtu, queues)
    b[48:48 + len(error)] = error
    return bytes(b)

MAC = bytes([0x52, 0x54, 0, 0x12, 0x34, 0x56])
seeds = {
    "argv_tap": argv("--fd=3", "--tap", "tap0"),
    "argv_macvtap_queues": argv("--fd=4", "--macvtap", "mvt0", "--queues", "4"),
    "argv_max_queues": argv("--queues", "253", "--fd=65535", "--tap", "abcdefghijklmno"),
    "argv_duplicate": argv("--fd=3", "--fd=3", "--tap", "tap0", "--tap", "tap1"),
    "argv_bad_numbers": argv("--fd=03", "--tap", "tap0", "--queues", "0x10"),
    "reply_ok": reply(0, 1, b"tap0", 7, MAC, 1500, 2),
    "reply_denied": reply(3, 0, b"", 0, bytes(6), 0, 0, b"policy: no rule allows uid 1000 tap0"),
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
