// SPDX-License-Identifier: MIT
/* Netlink messages, as strace shows them: the data of sendto/recvfrom on a
 * netlink socket, and the iovecs of sendmsg/recvmsg whose msg_name is a
 * netlink address. A buffer holds messages (struct nlmsghdr, then a payload
 * that depends on the socket's protocol and the message type); the
 * NETLINK_ROUTE link, address, route, neighbour, rule and traffic-control
 * messages and
 * NETLINK_SOCK_DIAG's inet and unix requests and answers are decoded with
 * their attributes, acknowledgements and errors with the request they answer.
 * What is not decoded prints as a hex string, as strace does for netlink.
 *
 * Which protocol a socket speaks is asked of /proc: the fd's inode, its
 * "system.sockprotoname" attribute (NETLINK for any netlink socket), and
 * the inode's line in /proc/PID/net/netlink. A socket appears there once
 * bound (explicitly, or by its first send), as in strace's own lookup, so
 * the first message of a socket that was never bound prints its header
 * with the generic names only. */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/gen_stats.h>
#include <linux/genetlink.h>
#include <linux/pkt_sched.h>
#include <linux/if_addr.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/inet_diag.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "decode/decode.h"
#include "decode/netlink.h"
#include "xlat_tables.h"

/* --- which protocol a socket speaks --- */

#define NL_CACHE 64 /* sockets remembered, by inode */

static struct {
	uint64_t ino;
	int proto; /* RN_NL_NONE, or a protocol (a socket not yet bound is not kept) */
} nl_cache[NL_CACHE];

/* The protocol of the bound netlink socket ino (and its port id), from
 * /proc/PID/net/netlink; RN_NL_UNBOUND when it is not there. */
static int proto_of_inode_port(pid_t pid, uint64_t ino, uint32_t *port)
{
	char path[64], line[256];
	(void)snprintf(path, sizeof(path), "/proc/%d/net/netlink", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return RN_NL_UNBOUND;
	int proto = RN_NL_UNBOUND;
	while (fgets(line, sizeof(line), f)) {
		int eth;
		unsigned pid_col;
		unsigned long long inode;
		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(line, "%*s %d %u %*s %*s %*s %*s %*s %*s %llu", &eth, &pid_col, &inode) == 3 &&
		    inode == ino) {
			proto = eth;
			if (port)
				*port = pid_col;
			break;
		}
	}
	(void)fclose(f);
	return proto;
}

static int proto_of_inode(pid_t pid, uint64_t ino)
{
	return proto_of_inode_port(pid, ino, NULL);
}

int rn_netlink_fd_proto(pid_t pid, int64_t fd)
{
	char path[64], link[64], name[32];
	if (fd < 0 || fd > INT32_MAX)
		return RN_NL_NONE;
	(void)snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, (int)fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	unsigned long long ino;
	if (n <= 0)
		return RN_NL_NONE;
	link[n] = '\0';
	if (sscanf(link, "socket:[%llu]", &ino) != 1)
		return RN_NL_NONE;
	unsigned slot = (unsigned)(ino % NL_CACHE);
	if (nl_cache[slot].ino == ino)
		return nl_cache[slot].proto;
	ssize_t len = getxattr(path, "system.sockprotoname", name, sizeof(name) - 1);
	int proto = RN_NL_NONE;
	if (len > 0) {
		name[len] = '\0';
		if (!strcmp(name, "NETLINK"))
			proto = proto_of_inode(pid, ino);
	}
	if (proto != RN_NL_UNBOUND) {
		nl_cache[slot].ino = ino;
		nl_cache[slot].proto = proto;
	}
	return proto;
}

/* --- printers --- */

/* Bytes nothing here decodes: hex, cut at -s. */
static void put_raw(struct rn_dctx *d, const unsigned char *p, size_t n)
{
	size_t shown = n < d->o->string_limit ? n : d->o->string_limit;
	rn_put_hex(d, p, shown, n > shown);
}

/* A string attribute: its bytes but a final NUL; "..." when it has none. */
static void put_nla_str(struct rn_dctx *d, const unsigned char *p, size_t n)
{
	/* -x looks at the NUL too, and a hex string never ends (as strace) */
	if (rn_wants_hex(d, p, n)) {
		rn_put_hex(d, p, n < d->o->string_limit ? n : d->o->string_limit, true);
		return;
	}
	bool ended = n && p[n - 1] == '\0';
	size_t len = ended ? n - 1 : n;
	size_t shown = len < d->o->string_limit ? len : d->o->string_limit;
	/* as strace: "..." also when the NUL alone is past -s */
	rn_put_quoted(d, p, shown, !ended || n > d->o->string_limit);
}

/* An address of an address family: inet_addr("10.0.0.1"),
 * inet_pton(AF_INET6, "::1"); hex for anything else. */
static void put_inet(struct rn_dctx *d, int family, const unsigned char *p, size_t n)
{
	if ((family == AF_INET && n == 4) || (family == AF_INET6 && n == 16))
		rn_put_inet(d, family, p, NULL);
	else
		put_raw(d, p, n);
}

/* A hardware address: 00:11:22:33:44:55. */
static void put_hwaddr(struct rn_dctx *d, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rn_putf(d, i ? ":%02x" : "%02x", p[i]);
}

/* --- generic netlink family names --- */

/* Family ids are given out at run time; like strace, ask the kernel's
 * controller for the list once, the first time one is needed. */
#define GENL_FAMILIES 128

static struct {
	uint16_t id;
	char name[GENL_NAMSIZ];
} genl_fam[GENL_FAMILIES];
static size_t ngenl_fam;
static bool genl_asked;

/* Ask the kernel over a netlink socket of protocol proto with req (len
 * bytes) and hand each answer's payload to fn until it says it is done
 * (true) or the answers end. Returns whether fn said so. */
static bool nl_ask(int proto, const void *req, size_t len,
		   bool (*fn)(const unsigned char *p, size_t n, void *arg), void *arg)
{
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (s < 0)
		return false;
	struct timeval tv = {0, 200000};
	(void)setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	bool found = false, done = false;
	static unsigned char buf[32768];
	if (send(s, req, len, 0) == (ssize_t)len) {
		for (int i = 0; i < 256 && !found && !done; i++) {
			ssize_t n = recv(s, buf, sizeof(buf), 0);
			if (n < (ssize_t)NLMSG_HDRLEN)
				break;
			for (size_t off = 0; (size_t)n - off >= NLMSG_HDRLEN && !found;) {
				struct nlmsghdr h;
				memcpy(&h, buf + off, sizeof(h));
				if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > (size_t)n - off)
					break;
				if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR) {
					done = true;
					break;
				}
				found = fn(buf + off + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN, arg);
				off += NLMSG_ALIGN(h.nlmsg_len);
			}
		}
	}
	(void)close(s);
	return found;
}

/* One family of the controller's dump: its id and name, kept. */
static bool genl_keep(const unsigned char *p, size_t n, void *arg)
{
	(void)arg;
	const unsigned char *a = p + GENL_HDRLEN;
	size_t alen = n > GENL_HDRLEN ? n - GENL_HDRLEN : 0;
	uint16_t id = 0;
	const char *name = NULL;
	size_t namelen = 0;
	for (size_t at = 0; alen - at >= NLA_HDRLEN;) {
		uint16_t len = rn_get_u16(a + at), type = rn_get_u16(a + at + 2) & NLA_TYPE_MASK;
		if (len < NLA_HDRLEN || len > alen - at)
			break;
		if (type == CTRL_ATTR_FAMILY_ID && len >= NLA_HDRLEN + 2) {
			id = rn_get_u16(a + at + NLA_HDRLEN);
		} else if (type == CTRL_ATTR_FAMILY_NAME) {
			name = (const char *)a + at + NLA_HDRLEN;
			namelen = strnlen(name, len - NLA_HDRLEN);
		}
		at += NLA_ALIGN(len);
		if (at >= alen)
			break;
	}
	if (id && name && namelen < GENL_NAMSIZ && ngenl_fam < GENL_FAMILIES) {
		genl_fam[ngenl_fam].id = id;
		memcpy(genl_fam[ngenl_fam].name, name, namelen);
		genl_fam[ngenl_fam].name[namelen] = '\0';
		ngenl_fam++;
	}
	return false; /* all of them */
}

static void genl_ask(void)
{
	genl_asked = true;
	struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
	} q = {{sizeof(q), GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP, 1, 0}, {CTRL_CMD_GETFAMILY, 1, 0}};
	(void)nl_ask(NETLINK_GENERIC, &q, sizeof(q), genl_keep, NULL);
}

static const char *genl_family(uint16_t id)
{
	if (!genl_asked)
		genl_ask();
	for (size_t i = 0; i < ngenl_fam; i++)
		if (genl_fam[i].id == id)
			return genl_fam[i].name;
	return NULL;
}

/* --- attributes --- */

enum nla_kind {
	NLA_RAW = 0,
	NLA_STR,
	NLA_U8,
	NLA_U32,
	NLA_S32,
	NLA_IFINDEX,
	NLA_INET,   /* an address of the message's family */
	NLA_HWADDR,
	NLA_EXT_MASK,
	NLA_IFA_FLAGS,
	NLA_RT_TABLE,
	NLA_IFA_CACHEINFO,
	NLA_RTA_CACHEINFO,
	NLA_LINK_STATS,	  /* struct rtnl_link_stats */
	NLA_LINK_STATS64, /* struct rtnl_link_stats64 */
	NLA_LINK_IFMAP,
	NLA_XDP_ATTACHED,
	NLA_NESTED, /* attributes of the set nested_set() names */
	NLA_INET_DEVCONF,  /* u32 per IPv4 setting: [IPV4_DEVCONF_X-1]=v */
	NLA_INET6_DEVCONF, /* s32 per IPv6 setting: [DEVCONF_X]=v */
	NLA_INET6_FLAGS,
	NLA_INET6_CACHEINFO,
	NLA_IN6_ADDR,
	NLA_ADDR_GEN_MODE,
	NLA_IPSTATS, /* u64 per IPSTATS_MIB_* */
	NLA_ICMP6STATS, /* u64 per ICMP6_MIB_* */
	NLA_U16,
	NLA_RTPROT,
	NLA_NDA_CACHEINFO,
	NLA_U64,
	NLA_INET_DIAG_MEMINFO,
	NLA_SK_MEMINFO,	 /* u32 per SK_MEMINFO_* */
	NLA_INET_DIAG_SOCKOPT,
	NLA_UNIX_DIAG_VFS,
	NLA_UNIX_DIAG_RQLEN,
	NLA_U32_ARRAY,
	NLA_SHUTDOWN, /* 0x2 / * SEND_SHUTDOWN * / */
	NLA_TC_STATS,	    /* struct tc_stats */
	NLA_GNET_BASIC,	    /* struct gnet_stats_basic */
	NLA_GNET_RATE_EST,  /* struct gnet_stats_rate_est */
	NLA_GNET_RATE_EST64,
	NLA_GNET_QUEUE,	    /* struct gnet_stats_queue */
};

struct nla_set {
	const struct rn_xlat *names;
	const char *unknown; /* "IFLA_???" */
	const unsigned char *kinds;
	size_t nkinds;
};

static const unsigned char ifla_kinds[] = {
    [IFLA_ADDRESS] = NLA_HWADDR,
    [IFLA_BROADCAST] = NLA_HWADDR,
    [IFLA_PERM_ADDRESS] = NLA_HWADDR,
    [IFLA_IFNAME] = NLA_STR,
    [IFLA_QDISC] = NLA_STR,
    [IFLA_IFALIAS] = NLA_STR,
    [IFLA_ALT_IFNAME] = NLA_STR,
    [IFLA_PHYS_PORT_NAME] = NLA_STR,
    [IFLA_PARENT_DEV_NAME] = NLA_STR,
    [IFLA_PARENT_DEV_BUS_NAME] = NLA_STR,
    [IFLA_MTU] = NLA_U32,
    [IFLA_MIN_MTU] = NLA_U32,
    [IFLA_MAX_MTU] = NLA_U32,
    [IFLA_TXQLEN] = NLA_U32,
    [IFLA_WEIGHT] = NLA_U32,
    [IFLA_GROUP] = NLA_U32,
    [IFLA_PROMISCUITY] = NLA_U32,
    [0x3d /* IFLA_ALLMULTI (Linux 6.2) */] = NLA_U32,
    [IFLA_NUM_TX_QUEUES] = NLA_U32,
    [IFLA_NUM_RX_QUEUES] = NLA_U32,
    [IFLA_NUM_VF] = NLA_U32,
    [IFLA_GSO_MAX_SEGS] = NLA_U32,
    [IFLA_GSO_MAX_SIZE] = NLA_U32,
    [IFLA_GRO_MAX_SIZE] = NLA_U32,
    [IFLA_TSO_MAX_SIZE] = NLA_U32,
    [IFLA_TSO_MAX_SEGS] = NLA_U32,
    [IFLA_CARRIER_CHANGES] = NLA_U32,
    [IFLA_CARRIER_UP_COUNT] = NLA_U32,
    [IFLA_CARRIER_DOWN_COUNT] = NLA_U32,
    [IFLA_NET_NS_PID] = NLA_U32,
    [IFLA_NET_NS_FD] = NLA_U32,
    [IFLA_NEW_IFINDEX] = NLA_S32,
    [IFLA_LINK_NETNSID] = NLA_S32,
    [IFLA_NEW_NETNSID] = NLA_S32,
    [IFLA_IF_NETNSID] = NLA_S32,
    [IFLA_OPERSTATE] = NLA_U8,
    [IFLA_LINKMODE] = NLA_U8,
    [IFLA_CARRIER] = NLA_U8,
    [IFLA_PROTO_DOWN] = NLA_U8,
    [IFLA_LINK] = NLA_IFINDEX,
    [IFLA_MASTER] = NLA_IFINDEX,
    [IFLA_EXT_MASK] = NLA_EXT_MASK,
    [IFLA_STATS] = NLA_LINK_STATS,
    [IFLA_STATS64] = NLA_LINK_STATS64,
    [IFLA_MAP] = NLA_LINK_IFMAP,
    [IFLA_XDP] = NLA_NESTED,
    [IFLA_LINKINFO] = NLA_NESTED,
    [IFLA_AF_SPEC] = NLA_NESTED,
};

static const unsigned char ifa_kinds[] = {
    [IFA_ADDRESS] = NLA_INET,
    [IFA_LOCAL] = NLA_INET,
    [IFA_BROADCAST] = NLA_INET,
    [IFA_ANYCAST] = NLA_INET,
    [IFA_MULTICAST] = NLA_INET,
    [IFA_LABEL] = NLA_STR,
    [IFA_CACHEINFO] = NLA_IFA_CACHEINFO,
    [IFA_FLAGS] = NLA_IFA_FLAGS,
    [IFA_RT_PRIORITY] = NLA_U32,
    [IFA_TARGET_NETNSID] = NLA_S32,
};

static const unsigned char rta_kinds[] = {
    [RTA_DST] = NLA_INET,
    [RTA_SRC] = NLA_INET,
    [RTA_GATEWAY] = NLA_INET,
    [RTA_PREFSRC] = NLA_INET,
    [RTA_NEWDST] = NLA_INET,
    [RTA_IIF] = NLA_IFINDEX,
    [RTA_OIF] = NLA_IFINDEX,
    [RTA_PRIORITY] = NLA_U32,
    [RTA_FLOW] = NLA_U32,
    [RTA_MARK] = NLA_U32,
    [RTA_UID] = NLA_U32,
    [RTA_NH_ID] = NLA_U32,
    [RTA_TABLE] = NLA_RT_TABLE,
    [RTA_PREF] = NLA_U8,
    [RTA_TTL_PROPAGATE] = NLA_U8,
    [RTA_CACHEINFO] = NLA_RTA_CACHEINFO,
};

static const unsigned char ifla_xdp_kinds[] = {
    [IFLA_XDP_FD] = NLA_S32,
    [IFLA_XDP_EXPECTED_FD] = NLA_S32,
    [IFLA_XDP_ATTACHED] = NLA_XDP_ATTACHED,
    [IFLA_XDP_PROG_ID] = NLA_U32,
    [IFLA_XDP_DRV_PROG_ID] = NLA_U32,
    [IFLA_XDP_SKB_PROG_ID] = NLA_U32,
    [IFLA_XDP_HW_PROG_ID] = NLA_U32,
};

static const unsigned char ifla_info_kinds[] = {
    [IFLA_INFO_KIND] = NLA_STR,
    [IFLA_INFO_SLAVE_KIND] = NLA_STR,
};

/* IFLA_AF_SPEC: one attribute per address family, each a nested set. */
static const unsigned char afspec_kinds[] = {
    [AF_INET] = NLA_NESTED,
    [AF_INET6] = NLA_NESTED,
};

static const unsigned char ifla_inet_kinds[] = {
    [IFLA_INET_CONF] = NLA_INET_DEVCONF,
};

static const unsigned char ifla_inet6_kinds[] = {
    [IFLA_INET6_FLAGS] = NLA_INET6_FLAGS,
    [IFLA_INET6_CONF] = NLA_INET6_DEVCONF,
    [IFLA_INET6_CACHEINFO] = NLA_INET6_CACHEINFO,
    [IFLA_INET6_TOKEN] = NLA_IN6_ADDR,
    [IFLA_INET6_ADDR_GEN_MODE] = NLA_ADDR_GEN_MODE,
    [IFLA_INET6_RA_MTU] = NLA_U32,
    [IFLA_INET6_STATS] = NLA_IPSTATS,
    [IFLA_INET6_ICMP6STATS] = NLA_ICMP6STATS,
};

static const struct nla_set afspec_set = {&rn_xlat_net_addrfams, "AF_???", afspec_kinds,
					  sizeof(afspec_kinds)};
static const struct nla_set ifla_inet_set = {&rn_xlat_net_ifla_inet_attrs, "IFLA_INET_???",
					     ifla_inet_kinds, sizeof(ifla_inet_kinds)};
static const struct nla_set ifla_inet6_set = {&rn_xlat_net_ifla_inet6_attrs, "IFLA_INET6_???",
					      ifla_inet6_kinds, sizeof(ifla_inet6_kinds)};
static const struct nla_set ifla_xdp_set = {&rn_xlat_net_ifla_xdp_attrs, "IFLA_XDP_???",
					    ifla_xdp_kinds, sizeof(ifla_xdp_kinds)};
static const struct nla_set ifla_info_set = {&rn_xlat_net_ifla_info_attrs, "IFLA_INFO_???",
					     ifla_info_kinds, sizeof(ifla_info_kinds)};
static const unsigned char nda_kinds[] = {
    [NDA_DST] = NLA_INET,
    [NDA_LLADDR] = NLA_HWADDR,
    [NDA_CACHEINFO] = NLA_NDA_CACHEINFO,
    [NDA_PROBES] = NLA_U32,
    [NDA_VLAN] = NLA_U16,
    [NDA_VNI] = NLA_U32,
    [NDA_IFINDEX] = NLA_IFINDEX,
    [NDA_MASTER] = NLA_IFINDEX,
    [NDA_LINK_NETNSID] = NLA_S32,
    [NDA_SRC_VNI] = NLA_U32,
    [NDA_NH_ID] = NLA_U32,
};

static const unsigned char fra_kinds[] = {
    [FRA_DST] = NLA_INET,
    [FRA_SRC] = NLA_INET,
    [FRA_IIFNAME] = NLA_STR,
    [FRA_OIFNAME] = NLA_STR,
    [FRA_GOTO] = NLA_U32,
    [FRA_PRIORITY] = NLA_U32,
    [FRA_FWMARK] = NLA_U32,
    [FRA_FWMASK] = NLA_U32,
    [FRA_FLOW] = NLA_U32,
    [FRA_SUPPRESS_IFGROUP] = NLA_U32,
    [FRA_SUPPRESS_PREFIXLEN] = NLA_U32,
    [FRA_TABLE] = NLA_RT_TABLE,
    [FRA_L3MDEV] = NLA_U8,
    [FRA_PROTOCOL] = NLA_RTPROT,
};

static const struct nla_set nda_set = {&rn_xlat_net_nda_attrs, "NDA_???", nda_kinds,
				       sizeof(nda_kinds)};
static const struct nla_set fra_set = {&rn_xlat_net_fra_attrs, "FRA_???", fra_kinds,
				       sizeof(fra_kinds)};
static const unsigned char inet_diag_kinds[] = {
    [INET_DIAG_MEMINFO] = NLA_INET_DIAG_MEMINFO,
    [INET_DIAG_CONG] = NLA_STR,
    [INET_DIAG_TOS] = NLA_U8,
    [INET_DIAG_TCLASS] = NLA_U8,
    [INET_DIAG_SKMEMINFO] = NLA_SK_MEMINFO,
    [INET_DIAG_SHUTDOWN] = NLA_SHUTDOWN,
    [INET_DIAG_PROTOCOL] = NLA_U8,
    [INET_DIAG_SKV6ONLY] = NLA_U8,
    [INET_DIAG_MARK] = NLA_U32,
    [INET_DIAG_CLASS_ID] = NLA_U32,
    [INET_DIAG_CGROUP_ID] = NLA_U64,
    [INET_DIAG_SOCKOPT] = NLA_INET_DIAG_SOCKOPT,
};

static const unsigned char unix_diag_kinds[] = {
    [UNIX_DIAG_NAME] = NLA_STR,
    [UNIX_DIAG_VFS] = NLA_UNIX_DIAG_VFS,
    [UNIX_DIAG_PEER] = NLA_U32,
    [UNIX_DIAG_ICONS] = NLA_U32_ARRAY,
    [UNIX_DIAG_RQLEN] = NLA_UNIX_DIAG_RQLEN,
    [UNIX_DIAG_MEMINFO] = NLA_SK_MEMINFO,
    [UNIX_DIAG_SHUTDOWN] = NLA_SHUTDOWN,
    [UNIX_DIAG_UID] = NLA_U32,
};

static const struct nla_set inet_diag_set = {&rn_xlat_net_inet_diag_attrs, "INET_DIAG_???",
					     inet_diag_kinds, sizeof(inet_diag_kinds)};
static const struct nla_set unix_diag_set = {&rn_xlat_net_unix_diag_attrs, "UNIX_DIAG_???",
					     unix_diag_kinds, sizeof(unix_diag_kinds)};
static const unsigned char tca_kinds[] = {
    [TCA_KIND] = NLA_STR,
    [TCA_STATS] = NLA_TC_STATS,
    [TCA_FCNT] = NLA_U32,
    [TCA_STATS2] = NLA_NESTED,
    [TCA_CHAIN] = NLA_U32,
    [TCA_HW_OFFLOAD] = NLA_U8,
    [TCA_INGRESS_BLOCK] = NLA_U32,
    [TCA_EGRESS_BLOCK] = NLA_U32,
    [TCA_EXT_WARN_MSG] = NLA_STR,
};

static const unsigned char tca_stats_kinds[] = {
    [TCA_STATS_BASIC] = NLA_GNET_BASIC,
    [TCA_STATS_BASIC_HW] = NLA_GNET_BASIC,
    [TCA_STATS_RATE_EST] = NLA_GNET_RATE_EST,
    [TCA_STATS_RATE_EST64] = NLA_GNET_RATE_EST64,
    [TCA_STATS_QUEUE] = NLA_GNET_QUEUE,
    [TCA_STATS_PKT64] = NLA_U64,
};

static const struct nla_set tca_set = {&rn_xlat_net_tca_attrs, "TCA_???", tca_kinds,
				       sizeof(tca_kinds)};
static const struct nla_set tca_stats_set = {&rn_xlat_net_tca_stats_attrs, "TCA_STATS_???",
					     tca_stats_kinds, sizeof(tca_stats_kinds)};
static const struct nla_set ifla_set = {&rn_xlat_net_ifla_attrs, "IFLA_???", ifla_kinds,
					sizeof(ifla_kinds)};
static const struct nla_set ifa_set = {&rn_xlat_net_ifa_attrs, "IFA_???", ifa_kinds,
				       sizeof(ifa_kinds)};
static const struct nla_set rta_set = {&rn_xlat_net_rta_attrs, "RTA_???", rta_kinds,
				       sizeof(rta_kinds)};

/* struct rtnl_link_stats (4-byte counters) or rtnl_link_stats64: the
 * counters there are room for, by name. */
static void put_link_stats(struct rn_dctx *d, const unsigned char *p, size_t n, size_t width)
{
	static const char *const names[] = {
	    "rx_packets",	 "tx_packets",	     "rx_bytes",	  "tx_bytes",
	    "rx_errors",	 "tx_errors",	     "rx_dropped",	  "tx_dropped",
	    "multicast",	 "collisions",	     "rx_length_errors",  "rx_over_errors",
	    "rx_crc_errors",	 "rx_frame_errors",  "rx_fifo_errors",	  "rx_missed_errors",
	    "tx_aborted_errors", "tx_carrier_errors", "tx_fifo_errors",	  "tx_heartbeat_errors",
	    "tx_window_errors",	 "rx_compressed",    "tx_compressed",	  "rx_nohandler",
	    "rx_otherhost_dropped"};
	/* the 32-bit struct never had the last counter */
	size_t max = width == 8 ? 25 : 24, count = n / width;
	if (count > max)
		count = max;
	if (!count) {
		put_raw(d, p, n);
		return;
	}
	rn_put(d, "{");
	for (size_t i = 0; i < count; i++) {
		uint64_t v = 0;
		memcpy(&v, p + i * width, width);
		rn_putf(d, "%s%s=%llu", i ? ", " : "", names[i], (unsigned long long)v);
	}
	rn_put(d, "}");
}

/* An array of 64-bit counters indexed by names: [IPSTATS_MIB_NUM]=38. */
static void put_counters(struct rn_dctx *d, const unsigned char *p, size_t count,
			 const struct rn_xlat *names, const char *unknown)
{
	rn_put(d, "[");
	for (size_t i = 0; i < count; i++) {
		if (i)
			rn_put(d, ", ");
		if (i >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		uint64_t v;
		memcpy(&v, p + 8 * i, sizeof(v));
		const char *name = rn_xlat_lookup(names, i);
		if (name)
			rn_putf(d, "[%s]=%llu", name, (unsigned long long)v);
		else
			rn_putf(d, "[%zu /* %s */]=%llu", i, unknown, (unsigned long long)v);
	}
	rn_put(d, "]");
}

/* 32-bit values, by name ([SK_MEMINFO_RCVBUF]=212992) when names is not NULL. */
static void put_u32_array(struct rn_dctx *d, const unsigned char *p, size_t count,
			  const struct rn_xlat *names)
{
	rn_put(d, "[");
	for (size_t i = 0; i < count; i++) {
		if (i)
			rn_put(d, ", ");
		if (i >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		const char *name = names ? rn_xlat_lookup(names, i) : NULL;
		if (name)
			rn_putf(d, "[%s]=", name);
		else if (names)
			rn_putf(d, "[%zu]=", i);
		rn_putf(d, "%" PRIu32, rn_get_u32(p + 4 * i));
	}
	rn_put(d, "]");
}

/* A device's settings, one 32-bit value per setting: IPv4's indexed by
 * setting - 1 ([IPV4_DEVCONF_FORWARDING-1]=0), IPv6's by setting
 * ([DEVCONF_HOPLIMIT]=64, signed); cut at -s like any array. */
static void put_devconf(struct rn_dctx *d, const unsigned char *p, size_t count, bool v4)
{
	rn_put(d, "[");
	for (size_t i = 0; i < count; i++) {
		if (i)
			rn_put(d, ", ");
		if (i >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		const char *name = v4 ? rn_xlat_lookup(&rn_xlat_net_ipv4_devconf, i + 1)
				      : rn_xlat_lookup(&rn_xlat_net_ipv6_devconf, i);
		if (name)
			rn_putf(d, v4 ? "[%s-1]=" : "[%s]=", name);
		else
			rn_putf(d, "[%zu /* %s */]=", i, v4 ? "IPV4_DEVCONF_???" : "DEVCONF_???");
		if (v4)
			rn_putf(d, "%" PRIu32, rn_get_u32(p + 4 * i));
		else
			rn_putf(d, "%" PRId32, (int32_t)rn_get_u32(p + 4 * i));
	}
	rn_put(d, "]");
}

static void put_attrs(struct rn_dctx *d, const struct nla_set *s, int family,
		      const unsigned char *p, size_t n);

/* A 4-byte attribute by a table's names (flags or one value); false
 * when it is not 4 bytes long. */
static bool put_u32_named(struct rn_dctx *d, const unsigned char *p, size_t n,
			  const struct rn_xlat *x, const char *dflt, bool flags)
{
	if (n != 4)
		return false;
	if (flags)
		rn_put_flags(d, x, rn_get_u32(p), dflt);
	else
		rn_put_xval(d, x, rn_get_u32(p), dflt);
	return true;
}

/* The attributes nested in attribute type of set s. */
static const struct nla_set *nested_set(const struct nla_set *s, uint16_t type)
{
	if (s == &ifla_set && type == IFLA_XDP)
		return &ifla_xdp_set;
	if (s == &ifla_set && type == IFLA_LINKINFO)
		return &ifla_info_set;
	if (s == &ifla_set && type == IFLA_AF_SPEC)
		return &afspec_set;
	if (s == &tca_set && type == TCA_STATS2)
		return &tca_stats_set;
	if (s == &afspec_set && type == AF_INET)
		return &ifla_inet_set;
	if (s == &afspec_set && type == AF_INET6)
		return &ifla_inet6_set;
	return NULL;
}

static void put_nla_value(struct rn_dctx *d, const struct nla_set *s, uint16_t type, int family,
			  const unsigned char *p, size_t n)
{
	enum nla_kind k = type < s->nkinds ? (enum nla_kind)s->kinds[type] : NLA_RAW;
	switch (k) {
	case NLA_NESTED: {
		const struct nla_set *sub = nested_set(s, type);
		if (sub && n >= NLA_HDRLEN) {
			put_attrs(d, sub, family, p, n);
			return;
		}
		break;
	}
	case NLA_INET_DEVCONF:
	case NLA_INET6_DEVCONF:
		if (n >= 4 && n % 4 == 0) {
			put_devconf(d, p, n / 4, k == NLA_INET_DEVCONF);
			return;
		}
		break;
	case NLA_IPSTATS:
	case NLA_ICMP6STATS:
		if (n >= 8 && n % 8 == 0) {
			if (k == NLA_IPSTATS)
				put_counters(d, p, n / 8, &rn_xlat_net_ipstats_mib, "IPSTATS_MIB_???");
			else
				put_counters(d, p, n / 8, &rn_xlat_net_icmp6_mib, "ICMP6_MIB_???");
			return;
		}
		break;
	case NLA_INET6_FLAGS:
		if (put_u32_named(d, p, n, &rn_xlat_net_inet6_if_flags, NULL, true))
			return;
		break;
	case NLA_INET6_CACHEINFO:
		if (n >= sizeof(struct ifla_cacheinfo)) {
			struct ifla_cacheinfo c;
			memcpy(&c, p, sizeof(c));
			rn_putf(d, "{max_reasm_len=%u, tstamp=%u, reachable_time=%u, retrans_time=%u}",
				c.max_reasm_len, c.tstamp, c.reachable_time, c.retrans_time);
			return;
		}
		break;
	case NLA_IN6_ADDR:
		put_inet(d, AF_INET6, p, n);
		return;
	case NLA_ADDR_GEN_MODE:
		if (n == 1) {
			rn_put_xval(d, &rn_xlat_net_in6_addr_gen_modes, p[0], "IN6_ADDR_GEN_MODE_???");
			return;
		}
		break;
	case NLA_U16:
		if (n == 2) {
			rn_putf(d, "%u", rn_get_u16(p));
			return;
		}
		break;
	case NLA_RTPROT:
		if (n == 1) {
			rn_put_xval(d, &rn_xlat_net_rt_protocols, p[0], NULL);
			return;
		}
		break;
	case NLA_NDA_CACHEINFO:
		if (n >= sizeof(struct nda_cacheinfo)) {
			struct nda_cacheinfo c;
			memcpy(&c, p, sizeof(c));
			rn_putf(d, "{ndm_confirmed=%u, ndm_used=%u, ndm_updated=%u, ndm_refcnt=%u}",
				c.ndm_confirmed, c.ndm_used, c.ndm_updated, c.ndm_refcnt);
			return;
		}
		break;
	case NLA_TC_STATS:
		if (n >= sizeof(struct tc_stats)) {
			struct tc_stats t;
			memcpy(&t, p, sizeof(t));
			rn_putf(d,
				"{bytes=%llu, packets=%u, drops=%u, overlimits=%u, bps=%u, pps=%u, "
				"qlen=%u, backlog=%u}",
				(unsigned long long)t.bytes, t.packets, t.drops, t.overlimits, t.bps,
				t.pps, t.qlen, t.backlog);
			return;
		}
		break;
	case NLA_GNET_BASIC:
		if (n >= sizeof(struct gnet_stats_basic)) {
			struct gnet_stats_basic b;
			memcpy(&b, p, sizeof(b));
			rn_putf(d, "{bytes=%llu, packets=%u}", (unsigned long long)b.bytes, b.packets);
			return;
		}
		break;
	case NLA_GNET_RATE_EST:
		if (n >= sizeof(struct gnet_stats_rate_est)) {
			struct gnet_stats_rate_est r;
			memcpy(&r, p, sizeof(r));
			rn_putf(d, "{bps=%u, pps=%u}", r.bps, r.pps);
			return;
		}
		break;
	case NLA_GNET_RATE_EST64:
		if (n >= sizeof(struct gnet_stats_rate_est64)) {
			struct gnet_stats_rate_est64 r;
			memcpy(&r, p, sizeof(r));
			rn_putf(d, "{bps=%llu, pps=%llu}", (unsigned long long)r.bps,
				(unsigned long long)r.pps);
			return;
		}
		break;
	case NLA_GNET_QUEUE:
		if (n >= sizeof(struct gnet_stats_queue)) {
			struct gnet_stats_queue q;
			memcpy(&q, p, sizeof(q));
			rn_putf(d, "{qlen=%u, backlog=%u, drops=%u, requeues=%u, overlimits=%u}", q.qlen,
				q.backlog, q.drops, q.requeues, q.overlimits);
			return;
		}
		break;
	case NLA_SHUTDOWN:
		if (n == 1) {
			static const char *const how[] = {"RCV_SHUTDOWN", "SEND_SHUTDOWN"};
			if (!p[0]) {
				rn_put(d, "0");
				return;
			}
			rn_putf(d, "%#x /* ", p[0]);
			bool first = true;
			for (unsigned b = 0; b < 2; b++)
				if (p[0] & (1u << b)) {
					rn_putf(d, "%s%s", first ? "" : "|", how[b]);
					first = false;
				}
			if (p[0] & ~3u)
				rn_putf(d, first ? "%#x" : "|%#x", p[0] & ~3u);
			rn_put(d, " */");
			return;
		}
		break;
	case NLA_U64:
		if (n == 8) {
			uint64_t v;
			memcpy(&v, p, sizeof(v));
			rn_putf(d, "%llu", (unsigned long long)v);
			return;
		}
		break;
	case NLA_INET_DIAG_MEMINFO:
		if (n >= sizeof(struct inet_diag_meminfo)) {
			struct inet_diag_meminfo m;
			memcpy(&m, p, sizeof(m));
			rn_putf(d, "{idiag_rmem=%u, idiag_wmem=%u, idiag_fmem=%u, idiag_tmem=%u}",
				m.idiag_rmem, m.idiag_wmem, m.idiag_fmem, m.idiag_tmem);
			return;
		}
		break;
	case NLA_SK_MEMINFO:
	case NLA_U32_ARRAY:
		if (n >= 4 && n % 4 == 0) {
			put_u32_array(d, p, n / 4,
				      k == NLA_SK_MEMINFO ? &rn_xlat_net_sk_meminfo : NULL);
			return;
		}
		break;
	case NLA_INET_DIAG_SOCKOPT:
		if (n >= 2) {
			/* the bits set, by name */
			static const char *const bits[] = {
			    "recverr",	 "is_icsk",		"freebind",	 "hdrincl",
			    "mc_loop",	 "transparent",		"mc_all",	 "nodefrag",
			    "bind_address_no_port", "recverr_rfc4884", "defer_connect"};
			unsigned v = p[0] | (unsigned)p[1] << 8;
			bool first = true;
			rn_put(d, "{");
			for (unsigned b = 0; b < sizeof(bits) / sizeof(bits[0]); b++)
				if (v & (1u << b)) {
					rn_putf(d, "%s%s=1", first ? "" : ", ", bits[b]);
					first = false;
				}
			if (v >> 11)
				rn_putf(d, "%sunused=%#x", first ? "" : ", ", v >> 11);
			rn_put(d, "}");
			return;
		}
		break;
	case NLA_UNIX_DIAG_VFS:
		if (n >= sizeof(struct unix_diag_vfs)) {
			struct unix_diag_vfs v;
			memcpy(&v, p, sizeof(v));
			rn_putf(d, "{udiag_vfs_dev=makedev(%#x, %#x), udiag_vfs_ino=%u}",
				major(v.udiag_vfs_dev), minor(v.udiag_vfs_dev), v.udiag_vfs_ino);
			return;
		}
		break;
	case NLA_UNIX_DIAG_RQLEN:
		if (n >= sizeof(struct unix_diag_rqlen)) {
			struct unix_diag_rqlen q;
			memcpy(&q, p, sizeof(q));
			rn_putf(d, "{udiag_rqueue=%u, udiag_wqueue=%u}", q.udiag_rqueue, q.udiag_wqueue);
			return;
		}
		break;
	case NLA_XDP_ATTACHED:
		if (n == 1) {
			rn_put_xval(d, &rn_xlat_net_xdp_attached, p[0], "XDP_ATTACHED_???");
			return;
		}
		break;
	case NLA_STR:
		put_nla_str(d, p, n);
		return;
	case NLA_U8:
		if (n == 1) {
			rn_putf(d, "%u", p[0]);
			return;
		}
		break;
	case NLA_U32:
		if (n == 4) {
			rn_putf(d, "%" PRIu32, rn_get_u32(p));
			return;
		}
		break;
	case NLA_S32:
		if (n == 4) {
			rn_putf(d, "%" PRId32, (int32_t)rn_get_u32(p));
			return;
		}
		break;
	case NLA_IFINDEX:
		if (n == 4) {
			rn_put_ifindex(d, rn_get_u32(p));
			return;
		}
		break;
	case NLA_INET:
		put_inet(d, family, p, n);
		return;
	case NLA_HWADDR:
		put_hwaddr(d, p, n);
		return;
	case NLA_EXT_MASK:
		if (put_u32_named(d, p, n, &rn_xlat_net_rtext_filters, "RTEXT_FILTER_???", true))
			return;
		break;
	case NLA_IFA_FLAGS:
		if (put_u32_named(d, p, n, &rn_xlat_net_ifa_flags, "IFA_F_???", true))
			return;
		break;
	case NLA_RT_TABLE:
		if (put_u32_named(d, p, n, &rn_xlat_net_rt_tables, NULL, false))
			return;
		break;
	case NLA_IFA_CACHEINFO:
		if (n >= sizeof(struct ifa_cacheinfo)) {
			struct ifa_cacheinfo c;
			memcpy(&c, p, sizeof(c));
			rn_putf(d, "{ifa_prefered=%u, ifa_valid=%u, cstamp=%u, tstamp=%u}",
				c.ifa_prefered, c.ifa_valid, c.cstamp, c.tstamp);
			return;
		}
		break;
	case NLA_RTA_CACHEINFO:
		if (n >= sizeof(struct rta_cacheinfo)) {
			struct rta_cacheinfo c;
			memcpy(&c, p, sizeof(c));
			rn_putf(d,
				"{rta_clntref=%u, rta_lastuse=%u, rta_expires=%d, rta_error=%u, "
				"rta_used=%u, rta_id=%u, rta_ts=%u, rta_tsage=%u}",
				c.rta_clntref, c.rta_lastuse, (int)c.rta_expires, c.rta_error,
				c.rta_used, c.rta_id, c.rta_ts, c.rta_tsage);
			return;
		}
		break;
	case NLA_LINK_STATS:
		put_link_stats(d, p, n, 4);
		return;
	case NLA_LINK_STATS64:
		put_link_stats(d, p, n, 8);
		return;
	case NLA_LINK_IFMAP:
		if (n >= sizeof(struct rtnl_link_ifmap)) {
			struct rtnl_link_ifmap m;
			memcpy(&m, p, sizeof(m));
			rn_putf(d,
				"{mem_start=%#llx, mem_end=%#llx, base_addr=%#llx, irq=%u, dma=%u, "
				"port=%u}",
				(unsigned long long)m.mem_start, (unsigned long long)m.mem_end,
				(unsigned long long)m.base_addr, m.irq, m.dma, m.port);
			return;
		}
		break;
	case NLA_RAW:
		break;
	}
	put_raw(d, p, n);
}

static void put_nla_type(struct rn_dctx *d, const struct nla_set *s, uint16_t type)
{
	uint16_t flags = type & (NLA_F_NESTED | NLA_F_NET_BYTEORDER);
	type &= NLA_TYPE_MASK;
	if (flags) {
		rn_put_flags(d, &rn_xlat_net_nla_flags, flags, NULL);
		rn_put(d, "|");
	}
	rn_put_xval(d, s->names, type, s->unknown);
}

/* An attribute list: one attribute alone, several as [a, b, ...]; each is
 * {nla_len, nla_type} when empty, else [{nla_len, nla_type}, value]. */
static void put_attrs(struct rn_dctx *d, const struct nla_set *s, int family,
		      const unsigned char *p, size_t n)
{
	size_t off = 0, shown = 0;
	bool many = n >= NLA_HDRLEN && (size_t)NLA_ALIGN(rn_get_u16(p)) < n && rn_get_u16(p) >= NLA_HDRLEN;
	if (many)
		rn_put(d, "[");
	while (n - off >= NLA_HDRLEN) {
		uint16_t len = rn_get_u16(p + off), type = rn_get_u16(p + off + 2);
		if (shown)
			rn_put(d, ", ");
		if (shown++ >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		size_t body = len >= NLA_HDRLEN ? (len < n - off ? len : n - off) - NLA_HDRLEN : 0;
		if (body)
			rn_put(d, "[");
		rn_putf(d, "{nla_len=%u, nla_type=", len);
		put_nla_type(d, s, type);
		rn_put(d, "}");
		if (body) {
			rn_put(d, ", ");
			put_nla_value(d, s, type & NLA_TYPE_MASK, family, p + off + NLA_HDRLEN, body);
			rn_put(d, "]");
		}
		if (len < NLA_HDRLEN)
			break;
		off += NLA_ALIGN(len);
		if (off >= n)
			break;
	}
	if (many)
		rn_put(d, "]");
}

/* --- NETLINK_ROUTE family headers --- */

/* The family header, then the attributes after it (aligned). */
static bool put_route_payload(struct rn_dctx *d, uint16_t type, const unsigned char *p, size_t n)
{
	const struct nla_set *set;
	size_t hlen;
	int family;
	if (type >= RTM_NEWLINK && type <= RTM_SETLINK) {
		struct ifinfomsg m;
		if (n < sizeof(m))
			return false;
		memcpy(&m, p, sizeof(m));
		rn_put(d, "{ifi_family=");
		rn_put_xval(d, &rn_xlat_net_addrfams, m.ifi_family, "AF_???");
		rn_put(d, ", ifi_type=");
		rn_put_xval(d, &rn_xlat_net_arp_hardware_types, m.ifi_type, "ARPHRD_???");
		rn_put(d, ", ifi_index=");
		rn_put_ifindex(d, (unsigned)m.ifi_index);
		rn_put(d, ", ifi_flags=");
		rn_put_flags(d, &rn_xlat_net_iff_flags, m.ifi_flags, NULL);
		rn_putf(d, ", ifi_change=%#x}", m.ifi_change);
		set = &ifla_set;
		hlen = sizeof(m);
		family = m.ifi_family;
	} else if (type >= RTM_NEWADDR && type <= RTM_GETADDR) {
		struct ifaddrmsg m;
		if (n < sizeof(m))
			return false;
		memcpy(&m, p, sizeof(m));
		rn_put(d, "{ifa_family=");
		rn_put_xval(d, &rn_xlat_net_addrfams, m.ifa_family, "AF_???");
		rn_putf(d, ", ifa_prefixlen=%u, ifa_flags=", m.ifa_prefixlen);
		rn_put_flags(d, &rn_xlat_net_ifa_flags, m.ifa_flags, "IFA_F_???");
		rn_put(d, ", ifa_scope=");
		rn_put_xval(d, &rn_xlat_net_rt_scopes, m.ifa_scope, NULL);
		rn_put(d, ", ifa_index=");
		rn_put_ifindex(d, m.ifa_index);
		rn_put(d, "}");
		set = &ifa_set;
		hlen = sizeof(m);
		family = m.ifa_family;
	} else if (type >= RTM_NEWROUTE && type <= RTM_GETROUTE) {
		struct rtmsg m;
		if (n < sizeof(m))
			return false;
		memcpy(&m, p, sizeof(m));
		rn_put(d, "{rtm_family=");
		rn_put_xval(d, &rn_xlat_net_addrfams, m.rtm_family, "AF_???");
		rn_putf(d, ", rtm_dst_len=%u, rtm_src_len=%u, rtm_tos=%u, rtm_table=", m.rtm_dst_len,
			m.rtm_src_len, m.rtm_tos);
		rn_put_xval(d, &rn_xlat_net_rt_tables, m.rtm_table, NULL);
		rn_put(d, ", rtm_protocol=");
		rn_put_xval(d, &rn_xlat_net_rt_protocols, m.rtm_protocol, NULL);
		rn_put(d, ", rtm_scope=");
		rn_put_xval(d, &rn_xlat_net_rt_scopes, m.rtm_scope, NULL);
		rn_put(d, ", rtm_type=");
		rn_put_xval(d, &rn_xlat_net_rt_types, m.rtm_type, "RTN_???");
		rn_put(d, ", rtm_flags=");
		rn_put_flags(d, &rn_xlat_net_rtm_flags, m.rtm_flags, "RTM_F_???");
		rn_put(d, "}");
		set = &rta_set;
		hlen = sizeof(m);
		family = m.rtm_family;
	} else if (type >= RTM_NEWNEIGH && type <= RTM_GETNEIGH) {
		struct ndmsg m;
		if (n < sizeof(m))
			return false;
		memcpy(&m, p, sizeof(m));
		rn_put(d, "{ndm_family=");
		rn_put_xval(d, &rn_xlat_net_addrfams, m.ndm_family, "AF_???");
		rn_put(d, ", ndm_ifindex=");
		rn_put_ifindex(d, (unsigned)m.ndm_ifindex);
		rn_put(d, ", ndm_state=");
		rn_put_flags(d, &rn_xlat_net_nud_states, m.ndm_state, "NUD_???");
		rn_put(d, ", ndm_flags=");
		rn_put_flags(d, &rn_xlat_net_ntf_flags, m.ndm_flags, "NTF_???");
		rn_put(d, ", ndm_type=");
		rn_put_xval(d, &rn_xlat_net_rt_types, m.ndm_type, "RTN_???");
		rn_put(d, "}");
		set = &nda_set;
		hlen = sizeof(m);
		family = m.ndm_family;
	} else if (type >= RTM_NEWRULE && type <= RTM_GETRULE) {
		struct fib_rule_hdr m;
		if (n < sizeof(m))
			return false;
		memcpy(&m, p, sizeof(m));
		rn_put(d, "{family=");
		rn_put_xval(d, &rn_xlat_net_addrfams, m.family, "AF_???");
		rn_putf(d, ", dst_len=%u, src_len=%u, tos=%u, table=", m.dst_len, m.src_len, m.tos);
		rn_put_xval(d, &rn_xlat_net_rt_tables, m.table, NULL);
		rn_put(d, ", action=");
		rn_put_xval(d, &rn_xlat_net_fr_actions, m.action, "FR_ACT_???");
		rn_put(d, ", flags=");
		rn_put_flags(d, &rn_xlat_net_fib_rule_flags, m.flags, "FIB_RULE_???");
		rn_put(d, "}");
		set = &fra_set;
		hlen = sizeof(m);
		family = m.family;
	} else if ((type >= RTM_NEWQDISC && type <= RTM_GETTFILTER) ||
		   (type >= RTM_NEWCHAIN && type <= RTM_GETCHAIN)) {
		struct tcmsg m;
		if (n < sizeof(m))
			return false;
		memcpy(&m, p, sizeof(m));
		rn_put(d, "{tcm_family=");
		rn_put_xval(d, &rn_xlat_net_addrfams, m.tcm_family, "AF_???");
		rn_put(d, ", tcm_ifindex=");
		rn_put_ifindex(d, (unsigned)m.tcm_ifindex);
		rn_putf(d, ", tcm_handle=%u, tcm_parent=%u, tcm_info=%u}", m.tcm_handle, m.tcm_parent,
			m.tcm_info);
		set = &tca_set;
		hlen = sizeof(m);
		family = m.tcm_family;
	} else {
		return false;
	}
	size_t at = NLMSG_ALIGN(hlen);
	if (n > at) {
		rn_put(d, ", ");
		put_attrs(d, set, family, p + at, n - at);
	}
	return true;
}

/* --- messages --- */

static const struct rn_xlat *flags_table(int proto, uint16_t type)
{
	if (type == NLMSG_ERROR)
		return &rn_xlat_net_nlm_ack_flags;
	if (type < NLMSG_MIN_TYPE)
		return &rn_xlat_net_nlm_flags;
	if (proto == NETLINK_ROUTE && type >= RTM_BASE && type <= RTM_MAX) {
		switch ((type - RTM_BASE) & 3) {
		case 0:
			return &rn_xlat_net_nlm_new_flags;
		case 1:
			return &rn_xlat_net_nlm_del_flags;
		case 2:
			return &rn_xlat_net_nlm_get_flags;
		default:
			return &rn_xlat_net_nlm_flags;
		}
	}
	if (proto == NETLINK_SOCK_DIAG && type == SOCK_DIAG_BY_FAMILY)
		return &rn_xlat_net_nlm_get_flags;
	return &rn_xlat_net_nlm_flags;
}

static void put_nlmsghdr(struct rn_dctx *d, int proto, const struct nlmsghdr *h)
{
	rn_putf(d, "{nlmsg_len=%u, nlmsg_type=", h->nlmsg_len);
	uint16_t t = h->nlmsg_type;
	if (t < NLMSG_MIN_TYPE)
		rn_put_xval(d, &rn_xlat_net_nlmsg_types, t, "NLMSG_???");
	else if (proto == NETLINK_ROUTE)
		rn_put_xval(d, &rn_xlat_net_nl_route_types, t, "RTM_???");
	else if (proto == NETLINK_SOCK_DIAG)
		rn_put_xval(d, &rn_xlat_net_nl_sock_diag_types, t, "SOCK_DIAG_???");
	else if (proto == NETLINK_GENERIC && (t == GENL_ID_CTRL || genl_family(t)))
		rn_put(d, t == GENL_ID_CTRL ? "nlctrl" : genl_family(t));
	else
		rn_put_xval(d, &rn_xlat_net_nlmsg_types, t, "NLMSG_???");
	rn_put(d, ", nlmsg_flags=");
	rn_put_flags(d, flags_table(proto, t), h->nlmsg_flags, NULL);
	rn_putf(d, ", nlmsg_seq=%u, nlmsg_pid=%d}", h->nlmsg_seq, (int)h->nlmsg_pid);
}

static void put_message(struct rn_dctx *d, int proto, const unsigned char *p, size_t n);

/* NLMSG_ERROR: the error and the request it answers (its header only
 * when the kernel capped it). */
static void put_error(struct rn_dctx *d, int proto, const unsigned char *p, size_t n)
{
	if (n < sizeof(int)) {
		put_raw(d, p, n);
		return;
	}
	int err = (int)rn_get_u32(p);
	const char *name = err < 0 ? rn_errno_name(-err) : NULL;
	if (name)
		rn_putf(d, "{error=-%s, msg=", name);
	else
		rn_putf(d, "{error=%d, msg=", err);
	p += sizeof(int);
	n -= sizeof(int);
	if (n < NLMSG_HDRLEN) {
		put_raw(d, p, n);
	} else {
		struct nlmsghdr h;
		memcpy(&h, p, sizeof(h));
		size_t len = h.nlmsg_len >= NLMSG_HDRLEN && h.nlmsg_len < n ? h.nlmsg_len : n;
		put_message(d, proto, p, len);
	}
	rn_put(d, "}");
}

/* --- NETLINK_SOCK_DIAG --- */

/* TCP states as bits: 1<<TCP_CLOSE|1<<TCP_LISTEN, then what has no name. */
static void put_state_bits(struct rn_dctx *d, uint32_t v)
{
	if (!v) {
		rn_put(d, "0");
		return;
	}
	bool first = true;
	for (unsigned b = 0; b < 32; b++) {
		const char *name = rn_xlat_lookup(&rn_xlat_net_tcp_states, b);
		if (!(v & (1u << b)) || !name)
			continue;
		rn_putf(d, "%s1<<%s", first ? "" : "|", name);
		v &= ~(1u << b);
		first = false;
	}
	if (v)
		rn_putf(d, first ? "%#x" : "|%#x", v);
}

/* The idiag_ext bits: 1<<(INET_DIAG_MEMINFO-1)|... */
static void put_ext_bits(struct rn_dctx *d, uint8_t v)
{
	if (!v) {
		rn_put(d, "0");
		return;
	}
	bool first = true;
	for (unsigned b = 0; b < 8; b++) {
		const char *name = rn_xlat_lookup(&rn_xlat_net_inet_diag_attrs, b + 1);
		if (!(v & (1u << b)) || !name)
			continue;
		rn_putf(d, "%s1<<(%s-1)", first ? "" : "|", name);
		v &= (uint8_t) ~(1u << b);
		first = false;
	}
	if (v)
		rn_putf(d, first ? "%#x" : "|%#x", v);
}

static void put_diag_addr(struct rn_dctx *d, int family, const uint32_t *a, const char *field)
{
	if (family == AF_INET6) {
		rn_put_inet(d, AF_INET6, a, field);
	} else {
		rn_putf(d, "%s=", field);
		rn_put_inet(d, AF_INET, a, NULL);
	}
}

static void put_sockid(struct rn_dctx *d, int family, const struct inet_diag_sockid *id)
{
	rn_putf(d, "id={idiag_sport=htons(%u), idiag_dport=htons(%u), ", ntohs(id->idiag_sport),
		ntohs(id->idiag_dport));
	put_diag_addr(d, family, id->idiag_src, "idiag_src");
	rn_put(d, ", ");
	put_diag_addr(d, family, id->idiag_dst, "idiag_dst");
	rn_put(d, ", idiag_if=");
	rn_put_ifindex(d, id->idiag_if);
	rn_putf(d, ", idiag_cookie=[%u, %u]}", id->idiag_cookie[0], id->idiag_cookie[1]);
}

/* A SOCK_DIAG_BY_FAMILY request or answer, for inet and unix sockets. */
static bool put_diag_payload(struct rn_dctx *d, bool request, const unsigned char *p, size_t n)
{
	const struct nla_set *set;
	size_t hlen;
	int family = n ? p[0] : -1;
	if ((family == AF_INET || family == AF_INET6) && request) {
		struct inet_diag_req_v2 r;
		if (n < sizeof(r))
			return false;
		memcpy(&r, p, sizeof(r));
		rn_put(d, "{sdiag_family=");
		rn_put_xval(d, &rn_xlat_net_addrfams, r.sdiag_family, "AF_???");
		rn_put(d, ", sdiag_protocol=");
		rn_put_xval(d, &rn_xlat_net_inet_protocols, r.sdiag_protocol, "IPPROTO_???");
		rn_put(d, ", idiag_ext=");
		put_ext_bits(d, r.idiag_ext);
		rn_put(d, ", idiag_states=");
		put_state_bits(d, r.idiag_states);
		rn_put(d, ", ");
		put_sockid(d, family, &r.id);
		rn_put(d, "}");
		hlen = sizeof(r);
		set = NULL;
	} else if (family == AF_INET || family == AF_INET6) {
		struct inet_diag_msg m;
		if (n < sizeof(m))
			return false;
		memcpy(&m, p, sizeof(m));
		rn_put(d, "{idiag_family=");
		rn_put_xval(d, &rn_xlat_net_addrfams, m.idiag_family, "AF_???");
		rn_put(d, ", idiag_state=");
		rn_put_xval(d, &rn_xlat_net_tcp_states, m.idiag_state, "TCP_???");
		rn_putf(d, ", idiag_timer=%u, idiag_retrans=%u, ", m.idiag_timer, m.idiag_retrans);
		put_sockid(d, family, &m.id);
		rn_putf(d,
			", idiag_expires=%u, idiag_rqueue=%u, idiag_wqueue=%u, idiag_uid=%u, "
			"idiag_inode=%u}",
			m.idiag_expires, m.idiag_rqueue, m.idiag_wqueue, m.idiag_uid, m.idiag_inode);
		hlen = sizeof(m);
		set = &inet_diag_set;
	} else if (family == AF_UNIX && request) {
		struct unix_diag_req r;
		if (n < sizeof(r))
			return false;
		memcpy(&r, p, sizeof(r));
		rn_putf(d, "{sdiag_family=AF_UNIX, sdiag_protocol=%u, udiag_states=", r.sdiag_protocol);
		put_state_bits(d, r.udiag_states);
		rn_putf(d, ", udiag_ino=%u, udiag_show=", r.udiag_ino);
		rn_put_flags(d, &rn_xlat_net_udiag_show, r.udiag_show, "UDIAG_SHOW_???");
		rn_putf(d, ", udiag_cookie=[%u, %u]}", r.udiag_cookie[0], r.udiag_cookie[1]);
		hlen = sizeof(r);
		set = NULL;
	} else if (family == AF_UNIX) {
		struct unix_diag_msg m;
		if (n < sizeof(m))
			return false;
		memcpy(&m, p, sizeof(m));
		rn_put(d, "{udiag_family=AF_UNIX, udiag_type=");
		rn_put_xval(d, &rn_xlat_net_socktypes, m.udiag_type, "SOCK_???");
		rn_put(d, ", udiag_state=");
		rn_put_xval(d, &rn_xlat_net_tcp_states, m.udiag_state, "TCP_???");
		rn_putf(d, ", udiag_ino=%u, udiag_cookie=[%u, %u]}", m.udiag_ino, m.udiag_cookie[0],
			m.udiag_cookie[1]);
		hlen = sizeof(m);
		set = &unix_diag_set;
	} else {
		return false;
	}
	size_t at = NLMSG_ALIGN(hlen);
	if (n > at) {
		rn_put(d, ", ");
		if (set)
			put_attrs(d, set, family, p + at, n - at);
		else
			put_raw(d, p + at, n - at);
	}
	return true;
}

static void put_payload(struct rn_dctx *d, int proto, const struct nlmsghdr *h,
			const unsigned char *p, size_t n)
{
	uint16_t type = h->nlmsg_type;
	if (type == NLMSG_ERROR) {
		put_error(d, proto, p, n);
		return;
	}
	if (type == NLMSG_DONE && n >= sizeof(int)) {
		rn_putf(d, "%d", (int)rn_get_u32(p));
		return;
	}
	if (proto == NETLINK_ROUTE && type >= NLMSG_MIN_TYPE) {
		if (put_route_payload(d, type, p, n))
			return;
		/* any other route message starts with an address family */
		rn_put(d, "{family=");
		rn_put_xval(d, &rn_xlat_net_addrfams, p[0], "AF_???");
		if (n > 1) {
			rn_put(d, ", data=");
			put_raw(d, p + 1, n - 1);
		}
		rn_put(d, "}");
		return;
	}
	if (proto == NETLINK_SOCK_DIAG && type == SOCK_DIAG_BY_FAMILY &&
	    put_diag_payload(d, (h->nlmsg_flags & NLM_F_REQUEST) != 0, p, n))
		return;
	put_raw(d, p, n);
}

/* One message of n bytes (n >= its header): {header} alone when it has no
 * payload, else [{header}, payload]. */
static void put_message(struct rn_dctx *d, int proto, const unsigned char *p, size_t n)
{
	struct nlmsghdr h;
	memcpy(&h, p, sizeof(h));
	size_t body = n - NLMSG_HDRLEN;
	if (body)
		rn_put(d, "[");
	put_nlmsghdr(d, proto, &h);
	if (body) {
		rn_put(d, ", ");
		put_payload(d, proto, &h, p + NLMSG_HDRLEN, body);
		rn_put(d, "]");
	}
}

#define NL_READ_MAX (1u << 20) /* bytes of messages decoded */

void rn_put_netlink_at(struct rn_dctx *d, uint64_t addr, uint64_t len, int proto)
{
	size_t n = len < NL_READ_MAX ? (size_t)len : NL_READ_MAX;
	unsigned char *p = malloc(n ? n : 1);
	if (!addr || !p) {
		free(p);
		rn_put_ptr(d, addr);
		return;
	}
	if (rn_mem_read(d->pid, addr, p, n) < 0) {
		/* not all of it is readable: what -s shows of it, if that is */
		size_t part = n < d->o->string_limit ? n : d->o->string_limit;
		if (rn_mem_read(d->pid, addr, p, part) == 0)
			rn_put_hex(d, p, part, n > part);
		else
			rn_put_ptr(d, addr);
		free(p);
		return;
	}
	if (n < NLMSG_HDRLEN) {
		put_raw(d, p, n);
		free(p);
		return;
	}
	/* several messages (or trailing bytes) make a list */
	uint32_t first = rn_get_u32(p);
	bool many = first >= NLMSG_HDRLEN && NLMSG_ALIGN(first) < n;
	if (many)
		rn_put(d, "[");
	size_t off = 0, shown = 0;
	while (off < n) {
		if (shown)
			rn_put(d, ", ");
		if (shown++ >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		size_t left = n - off;
		if (left < NLMSG_HDRLEN) {
			put_raw(d, p + off, left);
			break;
		}
		uint32_t mlen = rn_get_u32(p + off);
		size_t this = mlen >= NLMSG_HDRLEN && mlen < left ? mlen : left;
		if (mlen < NLMSG_HDRLEN)
			this = NLMSG_HDRLEN;
		put_message(d, proto, p + off, this);
		if (mlen < NLMSG_HDRLEN)
			break;
		off += NLMSG_ALIGN(mlen) < left ? NLMSG_ALIGN(mlen) : left;
	}
	if (many)
		rn_put(d, "]");
	free(p);
}

/* --- -yy: what a socket is connected to --- */

struct inet_find {
	uint64_t ino;
	char *out;
	size_t len;
};

static void inet_endpoint(char *b, size_t len, int family, const uint32_t *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN] = "";
	(void)inet_ntop(family, addr, a, sizeof(a));
	(void)snprintf(b, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, ntohs(port));
}

static bool inet_match(const unsigned char *p, size_t n, void *arg)
{
	struct inet_find *f = arg;
	struct inet_diag_msg m;
	if (n < sizeof(m))
		return false;
	memcpy(&m, p, sizeof(m));
	if (m.idiag_inode != f->ino)
		return false;
	char src[64], dst[64];
	inet_endpoint(src, sizeof(src), m.idiag_family, m.id.idiag_src, m.id.idiag_sport);
	if (m.id.idiag_dport) {
		inet_endpoint(dst, sizeof(dst), m.idiag_family, m.id.idiag_dst, m.id.idiag_dport);
		(void)snprintf(f->out, f->len, "%s->%s", src, dst);
	} else {
		(void)snprintf(f->out, f->len, "%s", src);
	}
	return true;
}

struct unix_find {
	uint64_t ino;
	char *out;
	size_t len;
	const char **type;
};

static bool unix_match(const unsigned char *p, size_t n, void *arg)
{
	struct unix_find *f = arg;
	struct unix_diag_msg m;
	if (n < sizeof(m))
		return false;
	memcpy(&m, p, sizeof(m));
	if (m.udiag_ino != f->ino)
		return false;
	*f->type = m.udiag_type == SOCK_STREAM ? "UNIX-STREAM"
		   : m.udiag_type == SOCK_SEQPACKET ? "UNIX-SEQPACKET"
						     : "UNIX";
	uint32_t peer = 0;
	char path[128] = "";
	for (size_t off = NLMSG_ALIGN(sizeof(m)); n - off >= NLA_HDRLEN && n > off;) {
		uint16_t len = rn_get_u16(p + off), type = rn_get_u16(p + off + 2);
		if (len < NLA_HDRLEN || len > n - off)
			break;
		const unsigned char *v = p + off + NLA_HDRLEN;
		size_t vl = len - NLA_HDRLEN;
		if (type == UNIX_DIAG_PEER && vl == 4)
			peer = rn_get_u32(v);
		else if (type == UNIX_DIAG_NAME && vl) {
			/* an abstract name starts with a NUL: shown as @name */
			size_t k = vl < sizeof(path) - 2 ? vl : sizeof(path) - 2;
			if (v[0] == 0) {
				path[0] = '@';
				memcpy(path + 1, v + 1, k - 1);
				path[k] = '\0';
			} else {
				memcpy(path, v, k);
				path[k] = '\0';
			}
		}
		off += NLA_ALIGN(len);
	}
	int w = snprintf(f->out, f->len, "%llu", (unsigned long long)f->ino);
	if (w > 0 && peer && (size_t)w < f->len)
		w += snprintf(f->out + w, f->len - (size_t)w, "->%u", peer);
	/* an abstract name is @"name", as strace shows unix addresses */
	if (w > 0 && path[0] && (size_t)w < f->len)
		(void)snprintf(f->out + w, f->len - (size_t)w, path[0] == '@' ? ",@\"%s\"" : ",\"%s\"",
			       path[0] == '@' ? path + 1 : path);
	return true;
}

bool rn_socket_details(pid_t pid, uint64_t ino, const char **proto, char *out, size_t len)
{
	const char *p = *proto;
	bool v6 = !strcmp(p, "TCPv6") || !strcmp(p, "UDPv6") || !strcmp(p, "UDPLITEv6");
	bool tcp = !strncmp(p, "TCP", 3), udp = !strncmp(p, "UDP", 3);
	if (tcp || udp) {
		struct {
			struct nlmsghdr h;
			struct inet_diag_req_v2 r;
		} q = {{sizeof(q), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 1, 0},
		       {.sdiag_family = (uint8_t)(v6 ? AF_INET6 : AF_INET),
			.sdiag_protocol = (uint8_t)(tcp ? IPPROTO_TCP : IPPROTO_UDP),
			.idiag_states = ~0u}};
		struct inet_find f = {ino, out, len};
		return nl_ask(NETLINK_SOCK_DIAG, &q, sizeof(q), inet_match, &f);
	}
	if (!strncmp(p, "UNIX", 4)) {
		struct {
			struct nlmsghdr h;
			struct unix_diag_req r;
		} q = {{sizeof(q), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, 1, 0},
		       {.sdiag_family = AF_UNIX,
			.udiag_states = ~0u,
			.udiag_ino = (uint32_t)ino,
			.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER,
			.udiag_cookie = {INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE}}};
		struct unix_find f = {ino, out, len, proto};
		return nl_ask(NETLINK_SOCK_DIAG, &q, sizeof(q), unix_match, &f);
	}
	if (!strcmp(p, "NETLINK")) {
		uint32_t port = 0;
		int nl = proto_of_inode_port(pid, ino, &port);
		const char *name = nl >= 0 ? rn_xlat_lookup(&rn_xlat_net_netlink_protocols, (uint64_t)nl)
					   : NULL;
		if (!name)
			return false;
		(void)snprintf(out, len, "%s:%u", name + strlen("NETLINK_"), port);
		return true;
	}
	return false;
}
