#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# nhrp_request.py DEV NBMA PROTO DST: sends one NHRP Resolution Request
# (IPv4 over IPv4, as FRR's: one CIE, no extensions but End) for DST from
# NBMA/PROTO through access device DEV, with an AF_PACKET socket for GRE
# protocol 0x2001. For tests that make a spoke say what it should not.
import socket
import struct
import sys


def checksum(data):
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def request(nbma, proto, dst, request_id=0x7ffffff0):
    addr = socket.inet_aton
    mand = struct.pack("!BBHI", 4, 4, 0xc800, request_id) + \
        addr(nbma) + addr(proto) + addr(dst)
    cie = struct.pack("!BBHHHBBBB", 0, 0, 0, 0, 7200, 0, 0, 0, 0)
    end = struct.pack("!HH", 0x8000, 0)
    extoff = 20 + len(mand) + len(cie)
    size = extoff + len(end)

    def packet(csum):
        fixed = struct.pack("!HH5sBHHHBBBB", 1, 0x0800, b"\0" * 5, 64, size,
                            csum, extoff, 1, 1, 4, 0)
        return fixed + mand + cie + end

    return packet(checksum(packet(0)))


def main():
    dev, nbma, proto, dst = sys.argv[1:5]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                         socket.htons(0x2001))
    sock.sendto(request(nbma, proto, dst), (dev, 0x2001))


if __name__ == "__main__":
    main()
