/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic-netlink socket: resolving the flexvpn family and its "events"
 * group, sending a request and reading replies up to the ack, and turning a
 * refusal into the kernel's own words.
 */
#ifndef FLEXVPN_GENL_H
#define FLEXVPN_GENL_H

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

/*
 * Large enough for any datagram of a dump: the kernel sizes them after the
 * receive buffers it sees, up to 32 KiB.
 */
#define GENL_BUF_SIZE 32768

struct genl {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;	/* the flexvpn family's id */
	uint32_t events;	/* its "events" group's id, 0 if it has none */
	char extack[256];	/* the kernel's message about the last request */
	char buf[GENL_BUF_SIZE];
};

struct genl *genl_open(void);
void genl_close(struct genl *g);
struct nlmsghdr *genl_msg(void *buf, uint16_t family, uint8_t cmd,
			  uint16_t flags);
int genl_talk(struct genl *g, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
int genl_subscribe(struct genl *g);
int genl_fd(const struct genl *g);
int genl_recv(struct genl *g, mnl_cb_t cb, void *data);
int genl_status(const struct nlmsghdr *nlh, char *msg, size_t size);

#endif
