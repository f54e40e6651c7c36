/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NHRP cache's control socket: how `flexvpn nhrp show|flush` talks to
 * the charon plugin that keeps the cache.
 *
 * The plugin listens on an abstract AF_UNIX stream socket named
 * NHRP_CTL_NAME. Abstract names belong to a network namespace, so the tool
 * reaches the charon of its own namespace (ip netns exec NS flexvpn nhrp
 * show), and no file needs permissions. A change (flush) is refused unless
 * the peer has CAP_NET_ADMIN.
 *
 * The client sends one line, a command: "show" or "flush". The server
 * answers with lines of tab-separated fields and closes:
 *
 *   flexvpn-nhrp 1			(always first: the protocol version)
 *   entry TYPE PREFIX DEV NBMA PROTO EXPIRES USED	(show: one per entry)
 *   flushed N				(flush: entries removed)
 *   error MESSAGE			(the command failed; nothing changed)
 *   end				(always last)
 *
 * TYPE: NHRP_CTL_DYNAMIC and the others below. PREFIX: "ADDR/LEN". DEV: the
 * access device's name. NBMA: the peer's outer address. PROTO: the peer's
 * NHRP protocol address. EXPIRES: whole seconds left (dynamic, local: the
 * hold time; incomplete: until the request is given up; failed: until the
 * next try). USED: "used" (traffic since the last look), "idle", or "-".
 * A field without a value is "-".
 */
#ifndef FLEXVPN_NHRP_CTL_H
#define FLEXVPN_NHRP_CTL_H

#define NHRP_CTL_NAME		"flexvpn-nhrp"	/* abstract: "\0flexvpn-nhrp" */
#define NHRP_CTL_VERSION	"flexvpn-nhrp 1"
#define NHRP_CTL_LINE_MAX	512

/* A route learned from a Resolution Reply, installed through DEV */
#define NHRP_CTL_DYNAMIC	"dynamic"
/* One of our prefixes, answered to the peer at NBMA through DEV */
#define NHRP_CTL_LOCAL		"local"
/* A Resolution Request sent, no reply yet */
#define NHRP_CTL_INCOMPLETE	"incomplete"
/* Resolving failed (no reply, no shortcut IKE_SA): backing off */
#define NHRP_CTL_FAILED		"failed"

#endif
