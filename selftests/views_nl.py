#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# views_nl.py: netlink requests for selftests/views.sh that no tool sends,
# or not fast enough under TCG (one process instead of a hundred). The
# numbers come from uapi/linux/flexvpn.h, read at run time.
#
# usage: views_nl.py newlink-info-data NAME
#            RTM_NEWLINK of a vtemplate NAME with FLEXVPN_TMPL_A_MTU in
#            IFLA_INFO_DATA; prints the errno and the extended ack message
#        views_nl.py groups TEMPLATE FIRST LAST
#            TEMPLATE_SET adding shaper groups gFIRST..gLAST at 1 Mbit/s;
#            prints how many were added, then the first refusal, if any
import os
import re
import socket
import struct
import sys

NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
NLA_F_NESTED = 0x8000
NLMSG_ERROR = 2
SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 270, 10, 11
NLMSGERR_ATTR_MSG = 1
RTM_NEWLINK = 16
IFLA_IFNAME, IFLA_LINKINFO = 3, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
NETLINK_GENERIC, GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2


def uapi():
    """The enumerators of uapi/linux/flexvpn.h, by name."""
    top = os.environ.get('FLEXVPN_TOP',
                         os.path.join(os.path.dirname(__file__), '..'))
    with open(os.path.join(top, 'uapi/linux/flexvpn.h')) as f:
        text = f.read()
    names = {}
    for body in re.findall(r'\benum \w+ \{(.*?)\};', text, re.S):
        for i, name in enumerate(re.findall(r'^\s*(\w+),', body, re.M)):
            names[name] = i
    return names


def attr(kind, data):
    n = 4 + len(data)
    return struct.pack('HH', n, kind) + data + bytes(-n % 4)


def strz(s):
    return s.encode() + b'\0'


def sock(proto):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    # the ack does not repeat the request: its attributes follow at once
    s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    return s


def talk(s, kind, flags, body):
    """Sends one request; returns (its answer's payload, -errno, message)."""
    s.send(struct.pack('IHHII', 16 + len(body), kind, flags, 1, 0) + body)
    r = s.recv(65536)
    length, rtype = struct.unpack_from('IH', r)
    if rtype != NLMSG_ERROR:
        s.recv(65536)  # the ack
        return r[16:length], 0, ''
    err, = struct.unpack_from('i', r, 16)
    off, msg = 36, ''
    while off + 4 <= length:
        n, t = struct.unpack_from('HH', r, off)
        if t == NLMSGERR_ATTR_MSG:
            msg = r[off + 4:off + n].rstrip(b'\0').decode()
        off += (n + 3) & ~3
    return b'', err, msg


def newlink_info_data(name):
    u = uapi()
    data = attr(u['FLEXVPN_TMPL_A_MTU'], struct.pack('I', 1400))
    info = attr(IFLA_INFO_KIND, strz('vtemplate')) + \
        attr(IFLA_INFO_DATA | NLA_F_NESTED, data)
    body = struct.pack('BBHiII', 0, 0, 0, 0, 0, 0) + \
        attr(IFLA_IFNAME, strz(name)) + attr(IFLA_LINKINFO | NLA_F_NESTED, info)
    _, err, msg = talk(sock(socket.NETLINK_ROUTE), RTM_NEWLINK,
                       NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE,
                       body)
    print(-err, msg)


def family(s, name):
    body = struct.pack('BBH', CTRL_CMD_GETFAMILY, 1, 0) + \
        attr(CTRL_ATTR_FAMILY_NAME, strz(name))
    reply, err, msg = talk(s, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, body)
    if err:
        sys.exit(f'no {name} family: {msg or os.strerror(-err)}')
    off = 4
    while off + 4 <= len(reply):
        n, t = struct.unpack_from('HH', reply, off)
        if t == CTRL_ATTR_FAMILY_ID:
            return struct.unpack_from('H', reply, off + 4)[0]
        off += (n + 3) & ~3
    sys.exit(f'no id in the {name} family\'s answer')


def groups(template, first, last):
    u = uapi()
    s = sock(NETLINK_GENERIC)
    fam = family(s, 'flexvpn')
    added = 0
    for i in range(int(first), int(last) + 1):
        group = attr(u['FLEXVPN_GROUP_A_NAME'], strz(f'g{i}')) + \
            attr(u['FLEXVPN_GROUP_A_RATE'], struct.pack('Q', 1000000))
        tmpl = attr(u['FLEXVPN_TMPL_A_SHAPER_GROUP'] | NLA_F_NESTED, group)
        body = struct.pack('BBH', u['FLEXVPN_CMD_TEMPLATE_SET'], 1, 0) + \
            attr(u['FLEXVPN_A_IFNAME'], strz(template)) + \
            attr(u['FLEXVPN_A_TEMPLATE'] | NLA_F_NESTED, tmpl)
        _, err, msg = talk(s, fam, NLM_F_REQUEST | NLM_F_ACK, body)
        if err:
            print(added, -err, msg)
            return
        added += 1
    print(added)


if __name__ == '__main__':
    {'newlink-info-data': newlink_info_data,
     'groups': groups}[sys.argv[1]](*sys.argv[2:])
