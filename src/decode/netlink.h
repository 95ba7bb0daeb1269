// SPDX-License-Identifier: MIT
#pragma once
/* Netlink messages (netlink.c), for the socket calls in net.c. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "decode/decode.h"

enum {
	RN_NL_NONE = -2,    /* not a netlink socket */
	RN_NL_UNBOUND = -1, /* a netlink socket not bound yet: protocol unknown */
};

/* What fd of process pid is: RN_NL_NONE, RN_NL_UNBOUND or its netlink
 * protocol (NETLINK_ROUTE, ...). */
int rn_netlink_fd_proto(pid_t pid, int64_t fd);
/* len bytes of netlink messages at addr, of protocol proto (RN_NL_UNBOUND:
 * unknown), as strace prints them. */
void rn_put_netlink_at(struct rn_dctx *d, uint64_t addr, uint64_t len, int proto);
/* -yy: what socket inode ino (of protocol *proto, as its
 * system.sockprotoname says: TCP, UDPv6, UNIX, NETLINK) is connected to,
 * strace-style: "127.0.0.1:80->127.0.0.1:4242", "[::1]:53", "1234->1235",
 * "ROUTE:4242". *proto may become a more precise name (UNIX-STREAM).
 * False when it cannot be told. */
bool rn_socket_details(pid_t pid, uint64_t ino, const char **proto, char *out, size_t len);
