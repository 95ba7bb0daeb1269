// SPDX-License-Identifier: MIT
/* net family decoders: the socket syscalls, printed the way strace 6.1 prints
 * them. Socket addresses, message headers (with their iovecs and control
 * messages) and socket option values are read from the tracee with every
 * length clamped first: a tracee may pass any pointer and any length. */
#include "decode/decode.h"
#include "decode/netlink.h"

#include <linux/sockios.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "xlat_tables.h"

/* Constants glibc's headers leave out; the values are the kernel's ABI. */
#ifndef SCM_SECURITY
#define SCM_SECURITY 3
#endif
#define NET_SOL_TCP                  6
#define NET_SOL_UDP                  17
#define NET_SOL_PACKET               263
#define NET_SOL_NETLINK              270
#define NET_ICMP_FILTER              1
#define NET_PACKET_STATISTICS        6
#define NET_PACKET_ADD_MEMBERSHIP    1
#define NET_PACKET_DROP_MEMBERSHIP   2
#define NET_PACKET_RX_RING           5
#define NET_PACKET_TX_RING           13
#define NET_NETLINK_LIST_MEMBERSHIPS 9

/* strace reads at most a sockaddr_storage of any address. */
#define SA_MAX   ((int)sizeof(struct sockaddr_storage))
/* strace stops decoding message vectors after this many entries. */
#define MMSG_MAX 1024u

/* --- small printers --- */

/* len bytes at addr, every one as \xNN, cut at -s like any string. */
static void put_hex_str_at(struct rn_dctx *d, uint64_t addr, unsigned len)
{
	unsigned char buf[64];
	unsigned n = len;
	if (n > d->o->string_limit)
		n = d->o->string_limit;
	if (n > sizeof(buf))
		n = sizeof(buf);
	if (!addr || rn_mem_read(d->pid, addr, buf, n) < 0) {
		rn_put_ptr(d, addr);
		return;
	}
	rn_put_hex(d, buf, n, len > n);
}

/* An interface index: by name when this host has one (strace looks it up in
 * its own namespace too), else the number. */
void rn_put_ifindex(struct rn_dctx *d, unsigned idx)
{
	char name[IF_NAMESIZE + 1];
	if (idx && if_indextoname(idx, name)) {
		rn_put(d, "if_nametoindex(");
		rn_put_quoted(d, (const unsigned char *)name, strnlen(name, IF_NAMESIZE), false);
		rn_put(d, ")");
	} else {
		rn_putf(d, "%u", idx);
	}
}

/* A user or group id: -1 stays -1. */
static void put_id(struct rn_dctx *d, uint32_t id)
{
	if (id == UINT32_MAX)
		rn_put(d, "-1");
	else
		rn_putf(d, "%u", id);
}

/* Zero-padded hex the width of the field, the way strace prints masks and
 * hardware addresses: 00000000, 0x000011, 0xab. */
static void put_0x(struct rn_dctx *d, uint64_t v, int size)
{
	rn_putf(d, "%#0*llx", size * 2, (unsigned long long)v);
}

void rn_put_inet(struct rn_dctx *d, int family, const void *addr, const char *field)
{
	char s[INET6_ADDRSTRLEN];
	if (!inet_ntop(family, addr, s, sizeof(s)))
		s[0] = '\0';
	rn_put(d, family == AF_INET6 ? "inet_pton(AF_INET6, " : "inet_addr(");
	/* quoted like any string: -xx shows it in hex too, as strace */
	rn_put_quoted(d, (const unsigned char *)s, strlen(s), false);
	if (family == AF_INET6 && field)
		rn_putf(d, ", &%s)", field);
	else
		rn_put(d, ")");
}

/* An int the tracee points at: [5], or the address when unreadable. */
static void put_int_at(struct rn_dctx *d, uint64_t addr)
{
	int v;
	if (rn_fetch_or_addr(d, addr, &v, sizeof(v)))
		rn_putf(d, "[%d]", v);
}

/* --- socket addresses --- */

static void put_sa_unix(struct rn_dctx *d, const unsigned char *buf, int len)
{
	int un_len = len > (int)sizeof(struct sockaddr_un) ? (int)sizeof(struct sockaddr_un) : len;
	int path_len = un_len - (int)sizeof(sa_family_t);
	const unsigned char *path = buf + sizeof(sa_family_t);

	rn_put(d, "sun_path=");
	if (path[0]) {
		rn_put_quoted(d, path, strnlen((const char *)path, (size_t)path_len), false);
	} else {
		/* Abstract: every byte of the name counts, NULs included. */
		rn_put(d, "@");
		rn_put_quoted(d, path + 1, (size_t)(path_len - 1), false);
	}
}

static void put_sa_in(struct rn_dctx *d, const unsigned char *buf)
{
	struct sockaddr_in sin;
	memcpy(&sin, buf, sizeof(sin));
	rn_putf(d, "sin_port=htons(%u), sin_addr=", ntohs(sin.sin_port));
	rn_put_inet(d, AF_INET, &sin.sin_addr, NULL);
}

/* The scope id comes only with the full structure. */
#define SIN6_MIN_LEN ((int)offsetof(struct sockaddr_in6, sin6_scope_id))

static void put_sa_in6(struct rn_dctx *d, const unsigned char *buf, int len)
{
	struct sockaddr_in6 s6;
	memcpy(&s6, buf, sizeof(s6));
	rn_putf(d, "sin6_port=htons(%u), sin6_flowinfo=htonl(%u), ", ntohs(s6.sin6_port),
		ntohl(s6.sin6_flowinfo));
	rn_put_inet(d, AF_INET6, &s6.sin6_addr, "sin6_addr");
	if (len <= SIN6_MIN_LEN)
		return;
	rn_put(d, ", sin6_scope_id=");
	if (IN6_IS_ADDR_LINKLOCAL(&s6.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&s6.sin6_addr))
		rn_put_ifindex(d, s6.sin6_scope_id);
	else
		rn_putf(d, "%u", s6.sin6_scope_id);
}

static void put_sa_nl(struct rn_dctx *d, const unsigned char *buf)
{
	struct sockaddr_nl nl;
	memcpy(&nl, buf, sizeof(nl));
	if (nl.nl_pad)
		rn_putf(d, "nl_pad=%#x, ", nl.nl_pad);
	rn_putf(d, "nl_pid=%d, nl_groups=", (int)nl.nl_pid);
	put_0x(d, nl.nl_groups, (int)sizeof(nl.nl_groups));
}

static void put_sa_ll(struct rn_dctx *d, const unsigned char *buf, int len)
{
	struct sockaddr_ll ll;
	memcpy(&ll, buf, sizeof(ll));
	rn_put(d, "sll_protocol=htons(");
	rn_put_xval(d, &rn_xlat_net_ethernet_protocols, ntohs(ll.sll_protocol), "ETH_P_???");
	rn_put(d, "), sll_ifindex=");
	rn_put_ifindex(d, (unsigned)ll.sll_ifindex);
	rn_put(d, ", sll_hatype=");
	rn_put_xval(d, &rn_xlat_net_arp_hardware_types, ll.sll_hatype, "ARPHRD_???");
	rn_put(d, ", sll_pkttype=");
	rn_put_xval(d, &rn_xlat_net_af_packet_types, ll.sll_pkttype, "PACKET_???");
	rn_putf(d, ", sll_halen=%u", ll.sll_halen);
	if (!ll.sll_halen)
		return;
	/* The address may run past sll_addr into the rest of what was read. */
	int off = (int)offsetof(struct sockaddr_ll, sll_addr);
	int have = len - off;
	rn_put(d, ", sll_addr=[");
	for (int i = 0; i < ll.sll_halen; i++) {
		if (i)
			rn_put(d, ", ");
		if (i >= have) {
			rn_put(d, "...");
			break;
		}
		put_0x(d, buf[off + i], 1);
	}
	rn_put(d, "]");
}

/* A fixed-size char array meant to hold a NUL-terminated string: cut at the
 * NUL, or shown to size - 1 bytes with "..." when the NUL is missing. */
static void put_cstring_field(struct rn_dctx *d, const unsigned char *p, size_t size)
{
	size_t n = size ? size - 1 : 0;
	const unsigned char *nul = memchr(p, 0, n);
	if (nul) {
		rn_put_quoted(d, p, (size_t)(nul - p), false);
		return;
	}
	rn_put_quoted(d, p, n, size && p[n]);
}

/* A u32 that may be one special value, else hex. */
static void put_named_u32(struct rn_dctx *d, uint32_t v, const char *const *names,
			  const uint32_t *vals, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (vals[i] == v) {
			rn_put(d, names[i]);
			return;
		}
	}
	rn_put_x(d, v);
}

/* struct sockaddr_vm: reserved1 u16, port u32, cid u32, flags u8, zero[3]. */
static void put_sa_vsock(struct rn_dctx *d, const unsigned char *buf)
{
	static const char *const cid_names[] = {"VMADDR_CID_ANY", "VMADDR_CID_HYPERVISOR",
						"VMADDR_CID_LOCAL", "VMADDR_CID_HOST"};
	static const uint32_t cid_vals[] = {UINT32_MAX, 0, 1, 2};
	static const char *const port_names[] = {"VMADDR_PORT_ANY"};
	static const uint32_t port_vals[] = {UINT32_MAX};
	uint16_t reserved = rn_get_u16(buf + 2);
	uint8_t flags = buf[12];

	if (reserved)
		rn_putf(d, "svm_reserved1=%#x, ", reserved);
	rn_put(d, "svm_cid=");
	put_named_u32(d, rn_get_u32(buf + 8), cid_names, cid_vals, 4);
	rn_put(d, ", svm_port=");
	put_named_u32(d, rn_get_u32(buf + 4), port_names, port_vals, 1);
	rn_put(d, ", svm_flags=");
	if (flags & 1) {
		rn_put(d, "VMADDR_FLAG_TO_HOST");
		if (flags & ~1u)
			rn_putf(d, "|%#x", flags & ~1u);
	} else if (flags) {
		rn_putf(d, "%#x /* VMADDR_FLAG_??? */", flags);
	} else {
		rn_put(d, "0");
	}
	if (buf[13] || buf[14] || buf[15]) {
		rn_put(d, ", svm_zero=");
		rn_put_hex(d, buf + 13, 3, false);
	}
}

static void put_sa_qrtr(struct rn_dctx *d, const unsigned char *buf)
{
	static const char *const node_names[] = {"QRTR_NODE_BCAST"};
	static const uint32_t node_vals[] = {UINT32_MAX};
	static const char *const port_names[] = {"QRTR_PORT_CTRL"};
	static const uint32_t port_vals[] = {UINT32_MAX - 1};

	rn_put(d, "sq_node=");
	put_named_u32(d, rn_get_u32(buf + 4), node_names, node_vals, 1);
	rn_put(d, ", sq_port=");
	put_named_u32(d, rn_get_u32(buf + 8), port_names, port_vals, 1);
}

static void put_sa_ipx(struct rn_dctx *d, const unsigned char *buf)
{
	rn_putf(d, "sipx_port=htons(%u), sipx_network=htonl(", ntohs(rn_get_u16(buf + 2)));
	rn_put_x(d, ntohl(rn_get_u32(buf + 4)));
	rn_put(d, "), sipx_node=[");
	for (int i = 0; i < 6; i++) {
		if (i)
			rn_put(d, ", ");
		put_0x(d, buf[8 + i], 1);
	}
	rn_put(d, "], sipx_type=");
	put_0x(d, buf[14], 1);
	if (buf[15])
		rn_putf(d, ", sipx_zero=%#x", buf[15]);
}

/* struct sockaddr_xdp: flags u16, ifindex u32, queue_id u32, shared_umem_fd u32. */
static void put_sa_xdp(struct rn_dctx *d, const unsigned char *buf)
{
	static const struct rn_xlat_entry e[] = {
	    {1, "XDP_SHARED_UMEM"},
	    {2, "XDP_COPY"},
	    {4, "XDP_ZEROCOPY"},
	    {8, "XDP_USE_NEED_WAKEUP"},
	};
	static const struct rn_xlat flags = {e, 4, RN_XLAT_FLAGS};
	uint16_t f = rn_get_u16(buf + 2);
	uint32_t fd = rn_get_u32(buf + 12);

	rn_put(d, "sxdp_flags=");
	rn_put_flags(d, &flags, f, "XDP_???");
	rn_put(d, ", sxdp_ifindex=");
	rn_put_ifindex(d, rn_get_u32(buf + 4));
	rn_putf(d, ", sxdp_queue_id=%u", rn_get_u32(buf + 8));
	if (f & 1) {
		rn_put(d, ", sxdp_shared_umem_fd=");
		rn_put_fd(d, (uint64_t)(int64_t)(int)fd);
	} else if (fd) {
		rn_putf(d, ", sxdp_shared_umem_fd=%#x", fd);
	}
}

/* struct sockaddr_mctp: pad0 u16, network u32, addr u8, type u8, tag u8, pad1 u8. */
static void put_sa_mctp(struct rn_dctx *d, const unsigned char *buf)
{
	uint16_t pad0 = rn_get_u16(buf + 2);
	uint32_t net = rn_get_u32(buf + 4);

	if (pad0)
		rn_putf(d, "__smctp_pad0=%#x, ", pad0);
	rn_put(d, "smctp_network=");
	if (net)
		rn_putf(d, "%#x", net);
	else
		rn_put(d, "MCTP_NET_ANY");
	rn_put(d, ", smctp_addr={s_addr=");
	if (buf[8] == 0)
		rn_put(d, "MCTP_ADDR_NULL");
	else if (buf[8] == 0xff)
		rn_put(d, "MCTP_ADDR_ANY");
	else
		rn_putf(d, "%#x", buf[8]);
	rn_put(d, "}, smctp_type=");
	rn_put_x(d, buf[9]);
	rn_put(d, ", smctp_tag=");
	rn_put_x(d, buf[10]);
	if (buf[11])
		rn_putf(d, ", __smctp_pad1=%#x", buf[11]);
}

/* Crypto algorithm flags, shown as a number with the names in a comment. */
static void put_alg_flags(struct rn_dctx *d, uint32_t v)
{
	if (!v) {
		rn_put(d, "0");
		return;
	}
	rn_putf(d, "%#x /* ", v);
	if (v & 0x1000) { /* CRYPTO_ALG_KERN_DRIVER_ONLY */
		rn_put(d, "CRYPTO_ALG_KERN_DRIVER_ONLY");
		if (v & ~0x1000u)
			rn_putf(d, "|%#x", v & ~0x1000u);
	} else {
		rn_put(d, "CRYPTO_ALG_???");
	}
	rn_put(d, " */");
}

/* struct sockaddr_alg: type[14], feat u32, mask u32, then the name up to len. */
static void put_sa_alg(struct rn_dctx *d, const unsigned char *buf, int len)
{
	rn_put(d, "salg_type=");
	put_cstring_field(d, buf + 2, 14);
	rn_put(d, ", salg_feat=");
	put_alg_flags(d, rn_get_u32(buf + 16));
	rn_put(d, ", salg_mask=");
	put_alg_flags(d, rn_get_u32(buf + 20));
	rn_put(d, ", salg_name=");
	put_cstring_field(d, buf + 24, (size_t)(len - 24));
}

/* buf holds len bytes of address (len <= SA_MAX) followed by zeroes. */
static void put_sockaddr_buf(struct rn_dctx *d, const unsigned char *buf, int len)
{
	sa_family_t fam;
	memcpy(&fam, buf, sizeof(fam));
	rn_put(d, "{sa_family=");
	rn_put_xval(d, &rn_xlat_net_addrfams, fam, "AF_???");
	if (len > (int)sizeof(fam)) {
		rn_put(d, ", ");
		if (fam == AF_UNIX && len >= (int)sizeof(fam) + 1)
			put_sa_unix(d, buf, len);
		else if (fam == AF_INET && len >= (int)sizeof(struct sockaddr_in))
			put_sa_in(d, buf);
		else if (fam == AF_INET6 && len >= SIN6_MIN_LEN)
			put_sa_in6(d, buf, len);
		else if (fam == AF_NETLINK && len >= (int)sizeof(struct sockaddr_nl))
			put_sa_nl(d, buf);
		else if (fam == AF_PACKET && len >= (int)sizeof(struct sockaddr_ll))
			put_sa_ll(d, buf, len);
		else if (fam == AF_IPX && len >= 16)
			put_sa_ipx(d, buf);
		else if (fam == AF_X25 && len >= 18) {
			rn_put(d, "sx25_addr={x25_addr=");
			put_cstring_field(d, buf + 2, 16);
			rn_put(d, "}");
		} else if (fam == AF_ALG && len >= 25)
			put_sa_alg(d, buf, len);
		else if (fam == AF_VSOCK && len >= 16)
			put_sa_vsock(d, buf);
		else if (fam == AF_QIPCRTR && len >= 12)
			put_sa_qrtr(d, buf);
		else if (fam == AF_XDP && len >= 16)
			put_sa_xdp(d, buf);
		else if (fam == AF_MCTP && len >= 12)
			put_sa_mctp(d, buf);
		else {
			rn_put(d, "sa_data=");
			rn_put_quoted(d, buf + sizeof(fam), (size_t)len - sizeof(fam), false);
		}
	}
	rn_put(d, "}");
}

/* A socket address of len bytes at addr; returns its family, or -1 when only
 * the address could be printed. */
static int put_sockaddr(struct rn_dctx *d, uint64_t addr, int len)
{
	unsigned char buf[SA_MAX + 1];
	sa_family_t fam;

	if (len < (int)sizeof(fam)) {
		rn_put_ptr(d, addr);
		return -1;
	}
	if (len > SA_MAX)
		len = SA_MAX;
	memset(buf, 0, sizeof(buf));
	if (!rn_fetch_or_addr(d, addr, buf, (size_t)len))
		return -1;
	put_sockaddr_buf(d, buf, len);
	memcpy(&fam, buf, sizeof(fam));
	return fam;
}

void rn_put_sockaddr_at(struct rn_dctx *d, uint64_t addr, uint64_t len)
{
	(void)put_sockaddr(d, addr, (int)len);
}

/* --- socket ioctls: struct ifreq, struct ifconf --- */

#define IFREQ_SIZE 40 /* struct ifreq: a 16-byte name, a 24-byte union */

int rn_sockioc_when(uint32_t req)
{
	switch (req) {
	case SIOCPROTOPRIVATE: /* private to a protocol or device: raw */
	case SIOCDEVPRIVATE:
		return RN_SOCKIOC_RAW;
	case SIOCGIFNAME:
	case SIOCGIFCONF:
	case SIOCGIFFLAGS:
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFMETRIC:
	case SIOCGIFMTU:
	case SIOCGIFHWADDR:
	case SIOCGIFINDEX:
	case SIOCGIFTXQLEN:
		return RN_SOCKIOC_EXIT;
	case SIOCSIFFLAGS:
	case SIOCSIFADDR:
	case SIOCSIFDSTADDR:
	case SIOCSIFBRDADDR:
	case SIOCSIFNETMASK:
	case SIOCSIFMETRIC:
	case SIOCSIFMTU:
	case SIOCSIFHWADDR:
	case SIOCSIFTXQLEN:
		return RN_SOCKIOC_ENTRY;
	default:
		return RN_SOCKIOC_PTR;
	}
}

/* SIOCGIFCONF's ifc_len as the program offered it, for "IN => OUT". */
void rn_sockioc_note(struct rn_dctx *d, uint32_t req, uint64_t arg)
{
	int32_t len;
	d->priv[0] = req == SIOCGIFCONF && rn_mem_read(d->pid, arg, &len, sizeof(len)) == 0;
	d->priv[1] = d->priv[0] ? (uint32_t)len : 0;
}

static void put_ifr_name(struct rn_dctx *d, const char *name)
{
	rn_put_quoted(d, (const unsigned char *)name, strnlen(name, IFNAMSIZ), false);
}

/* The union member of struct ifreq that request req reads or writes. */
static void put_ifreq_member(struct rn_dctx *d, uint32_t req, uint64_t addr, const unsigned char *u)
{
	int32_t i;
	uint16_t f;
	memcpy(&i, u, sizeof(i));
	memcpy(&f, u, sizeof(f));
	switch (req) {
	case SIOCGIFFLAGS:
	case SIOCSIFFLAGS:
		rn_put(d, "ifr_flags=");
		rn_put_flags(d, &rn_xlat_net_iff_flags, f, NULL);
		break;
	case SIOCGIFINDEX:
		rn_putf(d, "ifr_ifindex=%d", i);
		break;
	case SIOCGIFMTU:
	case SIOCSIFMTU:
		rn_putf(d, "ifr_mtu=%d", i);
		break;
	case SIOCGIFMETRIC:
	case SIOCSIFMETRIC:
		rn_putf(d, "ifr_metric=%d", i);
		break;
	case SIOCGIFTXQLEN:
	case SIOCSIFTXQLEN:
		rn_putf(d, "ifr_qlen=%d", i);
		break;
	case SIOCGIFHWADDR:
	case SIOCSIFHWADDR: {
		uint16_t fam;
		memcpy(&fam, u, sizeof(fam));
		rn_put(d, "ifr_hwaddr={sa_family=");
		rn_put_xval(d, &rn_xlat_net_arp_hardware_types, fam, "ARPHRD_???");
		rn_putf(d, ", sa_data=%02x:%02x:%02x:%02x:%02x:%02x}", u[2], u[3], u[4], u[5], u[6], u[7]);
		break;
	}
	default: {
		const char *n = req == SIOCGIFDSTADDR || req == SIOCSIFDSTADDR	 ? "ifr_dstaddr="
				: req == SIOCGIFBRDADDR || req == SIOCSIFBRDADDR ? "ifr_broadaddr="
				: req == SIOCGIFNETMASK || req == SIOCSIFNETMASK ? "ifr_netmask="
										 : "ifr_addr=";
		rn_put(d, n);
		(void)put_sockaddr(d, addr + IFNAMSIZ, 16);
		break;
	}
	}
}

static void put_ifconf(struct rn_dctx *d, uint64_t arg)
{
	struct {
		int32_t len;
		int32_t pad;
		uint64_t buf;
	} c;
	if (!rn_fetch_or_addr(d, arg, &c, sizeof(c)))
		return;
	rn_put(d, "{ifc_len=");
	if (d->priv[0] && c.buf && (int32_t)d->priv[1] != c.len)
		rn_putf(d, "%d => ", (int32_t)d->priv[1]);
	rn_putf(d, "%d", c.len);
	if (c.len > 0 && c.len % IFREQ_SIZE == 0)
		rn_putf(d, " /* %d * sizeof(struct ifreq) */", c.len / IFREQ_SIZE);
	rn_put(d, ", ifc_buf=");
	if (!c.buf || c.len <= 0) {
		rn_put_ptr(d, c.buf);
		rn_put(d, "}");
		return;
	}
	rn_put(d, "[");
	unsigned n = (unsigned)c.len / IFREQ_SIZE;
	for (unsigned k = 0; k < n; k++) {
		if (k)
			rn_put(d, ", ");
		if (k >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		uint64_t at = c.buf + (uint64_t)k * IFREQ_SIZE;
		char name[IFNAMSIZ];
		if (rn_mem_read(d->pid, at, name, sizeof(name)) < 0) {
			rn_put_ptr(d, at);
			break;
		}
		rn_put(d, "{ifr_name=");
		put_ifr_name(d, name);
		rn_put(d, ", ifr_addr=");
		(void)put_sockaddr(d, at + IFNAMSIZ, 16);
		rn_put(d, "}");
	}
	rn_put(d, "]}");
}

void rn_put_sockioc_arg(struct rn_dctx *d, uint32_t req, uint64_t arg)
{
	if (rn_sockioc_when(req) == RN_SOCKIOC_PTR) {
		rn_put_ptr(d, arg);
		return;
	}
	if (req == SIOCGIFCONF) {
		if (d->failed)
			rn_put_ptr(d, arg);
		else
			put_ifconf(d, arg);
		return;
	}
	unsigned char r[IFREQ_SIZE];
	if (!rn_fetch_or_addr(d, arg, r, sizeof(r)))
		return;
	char name[IFNAMSIZ];
	memcpy(name, r, sizeof(name));
	int32_t index;
	memcpy(&index, r + IFNAMSIZ, sizeof(index));
	if (req == SIOCGIFNAME) {
		/* The index in, the name out. */
		rn_putf(d, "{ifr_ifindex=%d", index);
		if (!d->failed) {
			rn_put(d, ", ifr_name=");
			put_ifr_name(d, name);
		}
		rn_put(d, "}");
		return;
	}
	rn_put(d, "{ifr_name=");
	put_ifr_name(d, name);
	if (!d->failed || !d->exiting) {
		rn_put(d, ", ");
		put_ifreq_member(d, req, arg, r + IFNAMSIZ);
	}
	rn_put(d, "}");
}

/* --- socket, socketpair, bind, connect, listen, shutdown --- */

/* The low four bits are the type, the rest flags: SOCK_STREAM|SOCK_CLOEXEC. */
static void put_sock_type(struct rn_dctx *d, uint32_t type)
{
	const char *n = rn_xlat_lookup(&rn_xlat_net_socktypes, type & 0xf);
	if (n) {
		rn_put(d, n);
		type &= ~0xfu;
		if (!type)
			return;
		rn_put(d, "|");
	}
	rn_put_flags(d, &rn_xlat_net_sock_type_flags, type, "SOCK_???");
}

RN_SYS_FUNC(socket)
{
	uint32_t fam = (uint32_t)d->args[0], proto = (uint32_t)d->args[2];
	rn_put_xval(d, &rn_xlat_net_addrfams, fam, "AF_???");
	rn_sep(d);
	put_sock_type(d, (uint32_t)d->args[1]);
	rn_sep(d);
	switch (fam) {
	case AF_INET:
	case AF_INET6:
		rn_put_xval(d, &rn_xlat_net_inet_protocols, proto, "IPPROTO_???");
		break;
	case AF_NETLINK:
		rn_put_xval(d, &rn_xlat_net_netlink_protocols, proto, "NETLINK_???");
		break;
	case AF_PACKET:
		rn_put(d, "htons(");
		rn_put_xval(d, &rn_xlat_net_ethernet_protocols, ntohs((uint16_t)proto),
			    "ETH_P_???");
		rn_put(d, ")");
		break;
	case AF_IRDA: /* strace looks IrDA protocols up in the CAN table */
		rn_put_xval(d, &rn_xlat_net_can_protocols, proto, "IRDAPROTO_???");
		break;
	case AF_CAN:
		rn_put_xval(d, &rn_xlat_net_can_protocols, proto, "CAN_???");
		break;
	case AF_BLUETOOTH:
		rn_put_xval(d, &rn_xlat_net_bt_protocols, proto, "BTPROTO_???");
		break;
	case AF_RXRPC:
		rn_put_xval(d, &rn_xlat_net_addrfams, proto, "AF_???");
		break;
	default:
		rn_put_u(d, d->args[2]);
		break;
	}
	return RN_DEC_DONE;
}

/* Two descriptors the kernel wrote: [3, 4]. */
static void put_fd_pair(struct rn_dctx *d, uint64_t addr)
{
	int fds[2];
	if (d->failed || !addr) {
		rn_put_ptr(d, addr);
		return;
	}
	if (rn_mem_read(d->pid, addr, fds, sizeof(fds)) == 0) {
		rn_put(d, "[");
		rn_put_fd(d, (uint64_t)(int64_t)fds[0]);
		rn_put(d, ", ");
		rn_put_fd(d, (uint64_t)(int64_t)fds[1]);
		rn_put(d, "]");
	} else if (rn_mem_read(d->pid, addr, fds, sizeof(fds[0])) == 0) {
		/* The second one sits on an unreadable page. */
		rn_putf(d, "[%d, ... /* %#llx */]", fds[0],
			(unsigned long long)(addr + sizeof(fds[0])));
	} else {
		rn_put_ptr(d, addr);
	}
}

RN_SYS_FUNC(socketpair)
{
	if (!d->exiting) {
		rn_put_xval(d, &rn_xlat_net_addrfams, (uint32_t)d->args[0], "AF_???");
		rn_sep(d);
		put_sock_type(d, (uint32_t)d->args[1]);
		rn_sep(d);
		rn_put_u(d, d->args[2]);
		rn_sep(d);
		return 0;
	}
	put_fd_pair(d, d->args[3]);
	return 0;
}

/* bind and connect: the address, then its length as the int it is. */
static int fd_sockaddr_len(struct rn_dctx *d)
{
	int len = (int)d->args[2];
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	(void)put_sockaddr(d, d->args[1], len);
	rn_sep(d);
	rn_put_d(d, len);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(bind)
{
	return fd_sockaddr_len(d);
}

RN_SYS_FUNC(connect)
{
	return fd_sockaddr_len(d);
}

RN_SYS_FUNC(listen)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_d(d, (int)d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(shutdown)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_xval(d, &rn_xlat_net_shutdown_modes, (uint32_t)d->args[1], "SHUT_???");
	return RN_DEC_DONE;
}

/* --- accept, accept4, getsockname, getpeername --- */

/* Entry: read the caller's buffer size (an in/out int) and keep it for exit.
 * Returns false when it cannot be read: then both pointers print as they are
 * and the call is fully decoded at entry. */
static bool save_socklen(struct rn_dctx *d, uint64_t addr, uint64_t lenp)
{
	int ulen;
	if (!addr || !lenp || rn_mem_read(d->pid, lenp, &ulen, sizeof(ulen)) < 0)
		return false;
	d->priv[0] = (uint32_t)ulen;
	d->priv[1] = 1;
	return true;
}

/* Exit: the address the kernel wrote, cut to what both sizes allow, and the
 * size as [in => out] or [size] when unchanged. */
static void put_sockaddr_out(struct rn_dctx *d, uint64_t addr, uint64_t lenp)
{
	int ulen = (int)(uint32_t)d->priv[0], rlen;
	if (d->failed || rn_mem_read(d->pid, lenp, &rlen, sizeof(rlen)) < 0) {
		rn_put_ptr(d, addr);
		rn_sep(d);
		rn_putf(d, "[%d]", ulen);
		return;
	}
	(void)put_sockaddr(d, addr, ulen > rlen ? rlen : ulen);
	rn_sep(d);
	if (ulen != rlen)
		rn_putf(d, "[%d => %d]", ulen, rlen);
	else
		rn_putf(d, "[%d]", rlen);
}

static int sockname(struct rn_dctx *d)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		if (save_socklen(d, d->args[1], d->args[2]))
			return 0;
		rn_put_ptr(d, d->args[1]);
		rn_sep(d);
		rn_put_ptr(d, d->args[2]);
		return RN_DEC_DONE;
	}
	put_sockaddr_out(d, d->args[1], d->args[2]);
	return 0;
}

RN_SYS_FUNC(accept)
{
	return sockname(d);
}

RN_SYS_FUNC(getsockname)
{
	return sockname(d);
}

RN_SYS_FUNC(getpeername)
{
	return sockname(d);
}

RN_SYS_FUNC(accept4)
{
	int rc = sockname(d);
	if (rc == RN_DEC_DONE || d->exiting) {
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_net_sock_type_flags, (uint32_t)d->args[3], "SOCK_???");
	}
	return rc;
}

/* --- sendto, recvfrom --- */

static void put_msg_flags(struct rn_dctx *d, uint64_t flags)
{
	rn_put_flags(d, &rn_xlat_net_msg_flags, (uint32_t)flags, "MSG_???");
}

/* Whether len bytes at addr, sent or received on fd with the peer address
 * at sa (salen bytes), may be netlink messages, and of which protocol
 * (RN_NL_NONE: print them as a string). Asking /proc costs a system call,
 * so data that cannot be netlink is told apart first: a peer of another
 * family, or a first word that is no message length. */
static int data_proto(struct rn_dctx *d, uint64_t fd, uint64_t addr, uint64_t len, uint64_t sa,
		      uint64_t salen)
{
	sa_family_t fam;
	if (sa && salen >= sizeof(fam) && rn_mem_read(d->pid, sa, &fam, sizeof(fam)) == 0 &&
	    fam != AF_NETLINK)
		return RN_NL_NONE;
	uint32_t first;
	if (len >= 16 && (rn_mem_read(d->pid, addr, &first, sizeof(first)) < 0 || first < 16 ||
			  first > (1u << 20)))
		return RN_NL_NONE;
	return rn_netlink_fd_proto(d->pid, (int64_t)fd);
}

RN_SYS_FUNC(sendto)
{
	int len = (int)d->args[5];
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	int nl = data_proto(d, d->args[0], d->args[1], d->args[2], d->args[4], d->args[5]);
	if (nl != RN_NL_NONE)
		rn_put_netlink_at(d, d->args[1], d->args[2], nl);
	else
		rn_put_str(d, d->args[1], d->args[2]);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	rn_sep(d);
	put_msg_flags(d, d->args[3]);
	rn_sep(d);
	(void)put_sockaddr(d, d->args[4], len);
	rn_sep(d);
	rn_put_d(d, len);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(recvfrom)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		(void)save_socklen(d, d->args[4], d->args[5]);
		return 0;
	}
	uint64_t got = (uint64_t)d->ret < d->args[2] ? (uint64_t)d->ret : d->args[2];
	/* the peer's address length, as the kernel left it */
	uint32_t salen = 0;
	if (!d->failed && d->args[4] && d->args[5])
		(void)rn_mem_read(d->pid, d->args[5], &salen, sizeof(salen));
	int nl = d->failed ? RN_NL_NONE
			   : data_proto(d, d->args[0], d->args[1], got, d->args[4], salen);
	if (d->failed)
		rn_put_ptr(d, d->args[1]);
	else if (nl != RN_NL_NONE)
		rn_put_netlink_at(d, d->args[1], got, nl);
	else
		rn_put_str(d, d->args[1], got);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	rn_sep(d);
	put_msg_flags(d, d->args[3]);
	rn_sep(d);
	int rlen;
	if (!d->args[4] || !d->args[5] ||
	    rn_mem_read(d->pid, d->args[5], &rlen, sizeof(rlen)) < 0) {
		rn_put_ptr(d, d->args[4]);
		rn_sep(d);
		rn_put_ptr(d, d->args[5]);
		return 0;
	}
	put_sockaddr_out(d, d->args[4], d->args[5]);
	return 0;
}

/* --- iovecs and message headers --- */

/* An iovec array of n entries. data_size caps the bytes shown over all the
 * buffers (what recvmsg returned); UINT64_MAX shows each iov_len. nl: the
 * buffers hold netlink messages of that protocol, or RN_NL_NONE. */
static void put_iov(struct rn_dctx *d, uint64_t addr, uint64_t n, uint64_t data_size, int nl)
{
	const uint64_t esz = sizeof(struct iovec);
	uint64_t lim = d->o->abbrev_limit;

	if (!rn_put_array_begin(d, addr, n, esz))
		return;
	for (uint64_t i = 0; i < n; i++) {
		struct iovec iov;
		if (i)
			rn_put(d, ", ");
		if (n > lim && i >= lim) {
			rn_put(d, "...");
			break;
		}
		if (rn_mem_read(d->pid, addr + i * esz, &iov, sizeof(iov)) < 0) {
			if (!i) {
				rn_put_ptr(d, addr);
				return;
			}
			rn_putf(d, "... /* %#llx */", (unsigned long long)(addr + i * esz));
			break;
		}
		if (!i)
			rn_put(d, "[");
		uint64_t len = iov.iov_len;
		if (len > data_size)
			len = data_size;
		if (data_size != UINT64_MAX)
			data_size -= len;
		rn_put(d, "{iov_base=");
		if (nl != RN_NL_NONE)
			rn_put_netlink_at(d, (uint64_t)(uintptr_t)iov.iov_base, len, nl);
		else
			rn_put_str(d, (uint64_t)(uintptr_t)iov.iov_base, len);
		rn_putf(d, ", iov_len=%llu}", (unsigned long long)iov.iov_len);
	}
	rn_put(d, "]");
}

/* The kernel's cap on control data, rounded as strace rounds it. */
static unsigned optmem_max(void)
{
	static unsigned cached;
	if (!cached) {
		long v = 0;
		FILE *f = fopen("/proc/sys/net/core/optmem_max", "re");
		if (f) {
			if (fscanf(f, "%ld", &v) != 1)
				v = 0;
			fclose(f);
		}
		if (v <= 0 || v > (1L << 30))
			cached = (unsigned)(sizeof(long long) * (2 * 1024 + 512));
		else
			cached = (unsigned)((v + 7) & ~7L);
	}
	return cached;
}

static void put_timeval_data(struct rn_dctx *d, const unsigned char *p, unsigned len)
{
	struct {
		int64_t sec;
		uint64_t usec; /* strace shows the fraction unsigned */
	} tv;
	if (len < sizeof(tv)) {
		rn_put(d, "???");
		return;
	}
	memcpy(&tv, p, sizeof(tv));
	rn_putf(d, "{tv_sec=%lld, tv_usec=%llu}", (long long)tv.sec, (unsigned long long)tv.usec);
}

static void put_timespec_data(struct rn_dctx *d, const unsigned char *p, unsigned len,
			      unsigned count)
{
	struct {
		int64_t sec;
		uint64_t nsec; /* strace shows the fraction unsigned */
	} ts;
	if (len < sizeof(ts) * count) {
		rn_put(d, "???");
		return;
	}
	if (count > 1)
		rn_put(d, "[");
	for (unsigned i = 0; i < count; i++) {
		memcpy(&ts, p + i * sizeof(ts), sizeof(ts));
		rn_putf(d, "%s{tv_sec=%lld, tv_nsec=%llu}", i ? ", " : "", (long long)ts.sec,
			(unsigned long long)ts.nsec);
	}
	if (count > 1)
		rn_put(d, "]");
}

/* SOL_SOCKET control data: the printer for a type and the least data it needs. */
static void put_cmsg_socket(struct rn_dctx *d, int type, const unsigned char *p, unsigned len)
{
	switch (type) {
	case SCM_RIGHTS:
		if (len < sizeof(int))
			return;
		rn_put(d, ", cmsg_data=[");
		for (unsigned i = 0; i < len / sizeof(int); i++) {
			int fd;
			if (i)
				rn_put(d, ", ");
			if (i >= d->o->abbrev_limit) {
				rn_put(d, "...");
				break;
			}
			memcpy(&fd, p + i * sizeof(int), sizeof(fd));
			rn_put_fd(d, (uint64_t)(int64_t)fd);
		}
		rn_put(d, "]");
		return;
	case SCM_CREDENTIALS: {
		struct ucred uc;
		if (len < sizeof(uc))
			return;
		memcpy(&uc, p, sizeof(uc));
		rn_putf(d, ", cmsg_data={pid=%d, uid=", (int)uc.pid);
		put_id(d, uc.uid);
		rn_put(d, ", gid=");
		put_id(d, uc.gid);
		rn_put(d, "}");
		return;
	}
	case SCM_SECURITY:
		if (len < 1)
			return;
		rn_put(d, ", cmsg_data=");
		rn_put_quoted(d, p, len, false);
		return;
	case 29: /* SO_TIMESTAMP_OLD */
	case 63: /* SO_TIMESTAMP_NEW: the same 64-bit layout here */
		if (len < 1)
			return;
		rn_put(d, ", cmsg_data=");
		put_timeval_data(d, p, len);
		return;
	case 35: /* SO_TIMESTAMPNS_OLD */
	case 64: /* SO_TIMESTAMPNS_NEW */
		if (len < 1)
			return;
		rn_put(d, ", cmsg_data=");
		put_timespec_data(d, p, len, 1);
		return;
	case 37: /* SO_TIMESTAMPING_OLD */
	case 65: /* SO_TIMESTAMPING_NEW */
		if (len < 1)
			return;
		rn_put(d, ", cmsg_data=");
		put_timespec_data(d, p, len, 3);
		return;
	default:
		return;
	}
}

/* An array of n values printed by fmt: [64], [0x10]. */
static void put_cmsg_array(struct rn_dctx *d, const unsigned char *p, unsigned n, unsigned esz)
{
	rn_put(d, ", cmsg_data=[");
	for (unsigned i = 0; i < n; i++) {
		if (i)
			rn_put(d, ", ");
		if (i >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		if (esz == 4) {
			uint32_t v;
			memcpy(&v, p + i * 4, 4);
			rn_putf(d, "%u", v);
		} else {
			rn_put_x(d, p[i]);
		}
	}
	rn_put(d, "]");
}

static void put_cmsg_ip(struct rn_dctx *d, int type, const unsigned char *p, unsigned len)
{
	switch (type) {
	case IP_PKTINFO: {
		struct in_pktinfo pi;
		if (len < sizeof(pi))
			return;
		memcpy(&pi, p, sizeof(pi));
		rn_put(d, ", cmsg_data={ipi_ifindex=");
		rn_put_ifindex(d, (unsigned)pi.ipi_ifindex);
		rn_put(d, ", ipi_spec_dst=");
		rn_put_inet(d, AF_INET, &pi.ipi_spec_dst, NULL);
		rn_put(d, ", ipi_addr=");
		rn_put_inet(d, AF_INET, &pi.ipi_addr, NULL);
		rn_put(d, "}");
		return;
	}
	case IP_TTL:
	case IP_CHECKSUM:
		if (len >= 4)
			put_cmsg_array(d, p, len / 4, 4);
		return;
	case IP_TOS:
	case IP_RECVOPTS:
	case IP_RETOPTS:
		if (len >= 1)
			put_cmsg_array(d, p, len, 1);
		return;
	case IP_RECVERR: {
		struct {
			uint32_t ee_errno;
			uint8_t ee_origin, ee_type, ee_code, ee_pad;
			uint32_t ee_info, ee_data;
		} ee;
		if (len < sizeof(ee) + sizeof(struct sockaddr_in))
			return;
		memcpy(&ee, p, sizeof(ee));
		rn_putf(d,
			", cmsg_data={ee_errno=%u, ee_origin=%u, ee_type=%u, ee_code=%u, "
			"ee_info=%u, ee_data=%u, offender=",
			ee.ee_errno, ee.ee_origin, ee.ee_type, ee.ee_code, ee.ee_info, ee.ee_data);
		unsigned char sa[SA_MAX + 1];
		memset(sa, 0, sizeof(sa));
		memcpy(sa, p + sizeof(ee), sizeof(struct sockaddr_in));
		put_sockaddr_buf(d, sa, (int)sizeof(struct sockaddr_in));
		rn_put(d, "}");
		return;
	}
	case IP_ORIGDSTADDR: {
		unsigned char sa[SA_MAX + 1];
		unsigned n = len > (unsigned)SA_MAX ? (unsigned)SA_MAX : len;
		if (len < sizeof(struct sockaddr_in))
			return;
		memset(sa, 0, sizeof(sa));
		memcpy(sa, p, n);
		rn_put(d, ", cmsg_data=");
		put_sockaddr_buf(d, sa, (int)n);
		return;
	}
	case SCM_SECURITY:
		if (len < 1)
			return;
		rn_put(d, ", cmsg_data=");
		rn_put_quoted(d, p, len, false);
		return;
	default:
		return;
	}
}

static void put_cmsg_type_data(struct rn_dctx *d, int level, int type, const unsigned char *p,
			       unsigned len)
{
	switch (level) {
	case SOL_SOCKET:
		rn_put_xval(d, &rn_xlat_net_scmvals, (uint32_t)type, "SCM_???");
		put_cmsg_socket(d, type, p, len);
		break;
	case SOL_IP:
		rn_put_xval(d, &rn_xlat_net_ip_cmsg_types, (uint32_t)type, "IP_???");
		put_cmsg_ip(d, type, p, len);
		break;
	default:
		rn_put_x(d, (uint32_t)type);
		break;
	}
}

/* msg_control: the chain of cmsghdrs, walked inside one bounded copy. */
static void put_msg_control(struct rn_dctx *d, uint64_t addr, uint64_t in_len)
{
	const unsigned hsz = sizeof(struct cmsghdr);
	if (!in_len)
		return;
	rn_put(d, ", msg_control=");
	unsigned control_len = in_len > optmem_max() ? optmem_max() : (unsigned)in_len;
	unsigned buf_len = control_len;
	unsigned char *buf = buf_len < hsz ? NULL : malloc(buf_len);
	if (!buf || rn_mem_read(d->pid, addr, buf, buf_len) < 0) {
		rn_put_ptr(d, addr);
		free(buf);
		return;
	}
	rn_put(d, "[");
	unsigned char *p = buf;
	while (buf_len >= hsz) {
		struct cmsghdr h;
		memcpy(&h, p, sizeof(h));
		if (p != buf)
			rn_put(d, ", ");
		rn_putf(d, "{cmsg_len=%llu, cmsg_level=", (unsigned long long)h.cmsg_len);
		rn_put_xval(d, &rn_xlat_net_socketlayers, (uint32_t)h.cmsg_level, "SOL_???");
		rn_put(d, ", cmsg_type=");
		uint64_t len = h.cmsg_len > buf_len ? buf_len : h.cmsg_len;
		put_cmsg_type_data(d, h.cmsg_level, h.cmsg_type, p + hsz,
				   len > hsz ? (unsigned)(len - hsz) : 0);
		rn_put(d, "}");
		if (len < hsz) {
			buf_len -= hsz;
			break;
		}
		/* Step to the next header; a length that wraps ends the walk. */
		len = (h.cmsg_len + 7) & ~(uint64_t)7;
		if (len >= buf_len || len < hsz) {
			buf_len = 0;
			break;
		}
		p += len;
		buf_len -= (unsigned)len;
	}
	if (buf_len)
		rn_putf(d, ", ... /* %#llx */",
			(unsigned long long)(addr + (control_len - buf_len)));
	else if (control_len < in_len)
		rn_put(d, ", ...");
	rn_put(d, "]");
	free(buf);
}

/* A struct msghdr already read. user_namelen: the msg_namelen the caller
 * passed in (recvmsg), or NULL; data_size as for put_iov. */
static void put_msghdr(struct rn_dctx *d, const struct msghdr *m, const int *user_namelen,
		       uint64_t data_size)
{
	int namelen = (int)m->msg_namelen;
	if (user_namelen && namelen > *user_namelen)
		namelen = *user_namelen;
	rn_put(d, "{msg_name=");
	/* a netlink peer: the data are netlink messages (as in strace) */
	int nl = RN_NL_NONE;
	if (put_sockaddr(d, (uint64_t)(uintptr_t)m->msg_name, namelen) == AF_NETLINK) {
		nl = rn_netlink_fd_proto(d->pid, (int64_t)d->args[0]);
		if (nl == RN_NL_NONE)
			nl = RN_NL_UNBOUND;
	}
	rn_put(d, ", msg_namelen=");
	if (user_namelen && *user_namelen != (int)m->msg_namelen)
		rn_putf(d, "%d => ", *user_namelen);
	rn_putf(d, "%d, msg_iov=", (int)m->msg_namelen);
	put_iov(d, (uint64_t)(uintptr_t)m->msg_iov, m->msg_iovlen, data_size, nl);
	rn_putf(d, ", msg_iovlen=%llu", (unsigned long long)m->msg_iovlen);
	put_msg_control(d, (uint64_t)(uintptr_t)m->msg_control, m->msg_controllen);
	rn_putf(d, ", msg_controllen=%llu, msg_flags=", (unsigned long long)m->msg_controllen);
	put_msg_flags(d, (uint32_t)m->msg_flags);
	rn_put(d, "}");
}

static void put_msghdr_at(struct rn_dctx *d, uint64_t addr, const int *user_namelen,
			  uint64_t data_size)
{
	struct msghdr m;
	if (rn_fetch_or_addr(d, addr, &m, sizeof(m)))
		put_msghdr(d, &m, user_namelen, data_size);
}

RN_SYS_FUNC(sendmsg)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	put_msghdr_at(d, d->args[1], NULL, UINT64_MAX);
	rn_sep(d);
	put_msg_flags(d, d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(recvmsg)
{
	struct msghdr m;
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		if (d->args[1] && rn_mem_read(d->pid, d->args[1], &m, sizeof(m)) == 0) {
			d->priv[0] = m.msg_namelen;
			return 0;
		}
		rn_put_ptr(d, d->args[1]);
		rn_sep(d);
		put_msg_flags(d, d->args[2]);
		return RN_DEC_DONE;
	}
	int namelen = (int)(uint32_t)d->priv[0];
	if (d->failed)
		rn_putf(d, "{msg_namelen=%d}", namelen);
	else
		put_msghdr_at(d, d->args[1], &namelen, (uint64_t)d->ret);
	rn_sep(d);
	put_msg_flags(d, d->args[2]);
	return 0;
}

/* --- sendmmsg, recvmmsg --- */

/* recvmmsg needs, at exit, what the caller had put in each msg_namelen and
 * its timeout, both overwritten by the kernel. Two words of priv cannot hold
 * them, so they wait here, one slot per thread inside the call; a slot
 * whose thread died in the call is reused when the table fills up. */
#define MMSG_SLOTS 8

struct mmsg_saved {
	pid_t pid;
	unsigned count;
	char timeout[80];
	int namelen[MMSG_MAX];
};

static struct mmsg_saved mmsg_slots[MMSG_SLOTS];
static unsigned mmsg_next;

static struct mmsg_saved *mmsg_slot(pid_t pid, bool create)
{
	for (unsigned i = 0; i < MMSG_SLOTS; i++)
		if (mmsg_slots[i].pid == pid)
			return &mmsg_slots[i];
	if (!create)
		return NULL;
	for (unsigned i = 0; i < MMSG_SLOTS; i++)
		if (!mmsg_slots[i].pid)
			return &mmsg_slots[i];
	struct mmsg_saved *s = &mmsg_slots[mmsg_next];
	mmsg_next = (mmsg_next + 1) % MMSG_SLOTS;
	return s;
}

/* A struct timespec the tracee points at, as text: strace shows recvmmsg's
 * timeout as it was at entry. */
static void sprint_timespec(struct rn_dctx *d, uint64_t addr, char *out, size_t size)
{
	struct {
		int64_t sec;
		uint64_t nsec;
	} ts;
	if (!addr)
		(void)snprintf(out, size, "NULL");
	else if (rn_mem_read(d->pid, addr, &ts, sizeof(ts)) < 0)
		(void)snprintf(out, size, "%#llx", (unsigned long long)addr);
	else
		(void)snprintf(out, size, "{tv_sec=%lld, tv_nsec=%llu}", (long long)ts.sec,
			       (unsigned long long)ts.nsec);
}

/* The vector of vlen mmsghdrs: the first msg_len_count of them with their
 * msg_len; use_msg_len caps each one's data at its msg_len. */
static void put_mmsgvec(struct rn_dctx *d, uint64_t addr, uint32_t vlen, uint32_t msg_len_count,
			bool use_msg_len, const struct mmsg_saved *saved)
{
	const uint64_t esz = sizeof(struct mmsghdr);
	uint64_t lim = d->o->abbrev_limit;
	unsigned count = saved ? saved->count : MMSG_MAX;

	if (!rn_put_array_begin(d, addr, vlen, esz))
		return;
	for (uint32_t i = 0; i < vlen; i++) {
		struct mmsghdr mm;
		if (i)
			rn_put(d, ", ");
		if (vlen > lim && i >= lim) {
			rn_put(d, "...");
			break;
		}
		if (rn_mem_read(d->pid, addr + i * esz, &mm, sizeof(mm)) < 0) {
			if (!i) {
				rn_put_ptr(d, addr);
				return;
			}
			rn_putf(d, "... /* %#llx */", (unsigned long long)(addr + i * esz));
			break;
		}
		if (!i)
			rn_put(d, "[");
		if (i >= count) {
			rn_put(d, "...");
			break;
		}
		rn_put(d, "{msg_hdr=");
		put_msghdr(d, &mm.msg_hdr, saved ? &saved->namelen[i] : NULL,
			   use_msg_len ? mm.msg_len : UINT64_MAX);
		if (i < msg_len_count)
			rn_putf(d, ", msg_len=%u", mm.msg_len);
		rn_put(d, "}");
	}
	rn_put(d, "]");
}

RN_SYS_FUNC(sendmmsg)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	/* Sent messages print at exit, with msg_len for those that went. */
	put_mmsgvec(d, d->args[1], (uint32_t)d->args[2], d->failed ? 0 : (uint32_t)d->ret, false,
		    NULL);
	rn_sep(d);
	rn_put_u(d, (uint32_t)d->args[2]);
	rn_sep(d);
	put_msg_flags(d, d->args[3]);
	return 0;
}

RN_SYS_FUNC(recvmmsg)
{
	if (!d->exiting) {
		struct mmsg_saved *s = mmsg_slot(d->pid, true);
		uint32_t vlen = (uint32_t)d->args[2];
		uint64_t addr = d->args[1];
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		s->pid = d->pid;
		s->count = 0;
		for (uint32_t i = 0; i < vlen && i < MMSG_MAX; i++) {
			struct mmsghdr mm;
			if (rn_mem_read(d->pid, addr + i * sizeof(mm), &mm, sizeof(mm)) < 0)
				break;
			s->namelen[i] = (int)mm.msg_hdr.msg_namelen;
			s->count = i + 1;
		}
		sprint_timespec(d, d->args[4], s->timeout, sizeof(s->timeout));
		return 0;
	}
	struct mmsg_saved *s = mmsg_slot(d->pid, false);
	if (d->failed)
		rn_put_ptr(d, d->args[1]);
	else
		put_mmsgvec(d, d->args[1], (uint32_t)d->ret, (uint32_t)d->ret, true, s);
	rn_sep(d);
	rn_put_u(d, (uint32_t)d->args[2]);
	rn_sep(d);
	put_msg_flags(d, d->args[3]);
	rn_sep(d);
	rn_put(d, s ? s->timeout : "NULL");
	if (s)
		s->pid = 0;
	if (d->failed)
		return 0;
	if (d->ret == 0) {
		rn_buf_put(d->rx, " (Timeout)");
	} else if (d->args[4]) {
		char left[80];
		sprint_timespec(d, d->args[4], left, sizeof(left));
		rn_buf_printf(d->rx, " (left %s)", left);
	}
	return 0;
}

/* --- setsockopt, getsockopt --- */

/* Option names by level: the table for both calls, the one only getsockopt
 * or setsockopt uses (SOL_SOCKET, SOL_IP, SOL_IPV6), and the fallback. */
struct sockopt_level {
	uint32_t level;
	const struct rn_xlat *x, *get, *set;
	const char *dflt;
};

static const struct sockopt_level sockopt_levels[] = {
    {SOL_SOCKET, &rn_xlat_net_sock_options, &rn_xlat_net_getsock_options,
     &rn_xlat_net_setsock_options, "SO_???"},
    {SOL_IP, &rn_xlat_net_ip_options, &rn_xlat_net_getsock_ip_options,
     &rn_xlat_net_setsock_ip_options, "IP_???"},
    /* vsock checks the family where others check a level */
    {AF_VSOCK, &rn_xlat_net_vsock_options, NULL, NULL, "SO_VM_???"},
    {SOL_IPV6, &rn_xlat_net_ipv6_options, &rn_xlat_net_getsock_ipv6_options,
     &rn_xlat_net_setsock_ipv6_options, "IPV6_???"},
    {256 /* SOL_IPX */, &rn_xlat_net_ipx_options, NULL, NULL, "IPX_???"},
    {257 /* SOL_AX25 */, &rn_xlat_net_ax25_options, NULL, NULL, "AX25_???"},
    {NET_SOL_PACKET, &rn_xlat_net_packet_options, NULL, NULL, "PACKET_???"},
    {NET_SOL_TCP, &rn_xlat_net_tcp_options, NULL, NULL, "TCP_???"},
    {101 /* SOL_CAN_RAW */, &rn_xlat_net_can_raw_options, NULL, NULL, "CAN_RAW_???"},
    {132 /* SOL_SCTP */, &rn_xlat_net_sctp_options, NULL, NULL, "SCTP_???"},
    {SOL_RAW, &rn_xlat_net_raw_options, NULL, NULL, "RAW_???"},
    {NET_SOL_NETLINK, &rn_xlat_net_netlink_options, NULL, NULL, "NETLINK_???"},
    {NET_SOL_UDP, &rn_xlat_net_udp_options, NULL, NULL, "UDP_???"},
    {266 /* SOL_IRDA */, &rn_xlat_net_irda_options, NULL, NULL, "IRLMP_???"},
    {268 /* SOL_LLC */, &rn_xlat_net_llc_options, NULL, NULL, "LLC_OPT_???"},
    {269 /* SOL_DCCP */, &rn_xlat_net_dccp_options, NULL, NULL, "DCCP_SOCKOPT_???"},
    {271 /* SOL_TIPC */, &rn_xlat_net_tipc_options, NULL, NULL, "TIPC_???"},
    {272 /* SOL_RXRPC */, &rn_xlat_net_rxrpc_options, NULL, NULL, "RXRPC_???"},
    {273 /* SOL_PPPOL2TP */, &rn_xlat_net_pppol2tp_options, NULL, NULL, "PPPOL2TP_SO_???"},
    {274 /* SOL_BLUETOOTH */, &rn_xlat_net_bluetooth_options, NULL, NULL, "BT_???"},
    {275 /* SOL_PNPIPE */, &rn_xlat_net_pnp_options, NULL, NULL, "PNPIPE_???"},
    {276 /* SOL_RDS */, &rn_xlat_net_rds_options, NULL, NULL, "RDS_???"},
    {277 /* SOL_IUCV */, &rn_xlat_net_iucv_options, NULL, NULL, "SO_???"},
    {278 /* SOL_CAIF */, &rn_xlat_net_caif_options, NULL, NULL, "CAIFSO_???"},
    {279 /* SOL_ALG */, &rn_xlat_net_alg_options, NULL, NULL, "ALG_???"},
    {280 /* SOL_NFC */, &rn_xlat_net_nfcllcp_options, NULL, NULL, "NFC_LLCP_???"},
    {281 /* SOL_KCM */, &rn_xlat_net_kcm_options, NULL, NULL, "KCM_???"},
    {282 /* SOL_TLS */, &rn_xlat_net_tls_options, NULL, NULL, "TLS_???"},
    {283 /* SOL_XDP */, &rn_xlat_net_xdp_options, NULL, NULL, "XDP_???"},
};

static void put_sockopt_level_name(struct rn_dctx *d, uint32_t level, uint32_t name, bool get)
{
	const struct sockopt_level *l = NULL;

	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_xval(d, &rn_xlat_net_socketlayers, level, "SOL_??");
	rn_sep(d);
	for (size_t i = 0; i < sizeof(sockopt_levels) / sizeof(sockopt_levels[0]); i++)
		if (sockopt_levels[i].level == level)
			l = &sockopt_levels[i];
	if (!l) {
		rn_put_u(d, name);
		return;
	}
	const char *n = rn_xlat_lookup(l->x, name);
	if (!n && (get ? l->get : l->set))
		n = rn_xlat_lookup(get ? l->get : l->set, name);
	if (n)
		rn_put(d, n);
	else
		rn_putf(d, "%#x /* %s */", name, l->dflt);
}

/* The ICMP types a raw socket's filter can block, by bit number. */
static const char *const icmp_types[] = {
    [0] = "ICMP_ECHOREPLY",      [3] = "ICMP_DEST_UNREACH", [4] = "ICMP_SOURCE_QUENCH",
    [5] = "ICMP_REDIRECT",       [8] = "ICMP_ECHO",         [11] = "ICMP_TIME_EXCEEDED",
    [12] = "ICMP_PARAMETERPROB", [13] = "ICMP_TIMESTAMP",   [14] = "ICMP_TIMESTAMPREPLY",
    [15] = "ICMP_INFO_REQUEST",  [16] = "ICMP_INFO_REPLY",  [17] = "ICMP_ADDRESS",
    [18] = "ICMP_ADDRESSREPLY",
};

/* An ICMP filter is a mask of blocked types, shown as the set of its bits
 * like a signal set: ~[...] lists the clear bits when most are set. Bytes
 * past a short length keep the kernel's default, all blocked. */
static void put_icmp_filter(struct rn_dctx *d, uint64_t addr, int len)
{
	uint32_t mask = ~0u;
	unsigned count = 0;
	bool first = true;
	if (len <= 0) {
		rn_put_ptr(d, addr);
		return;
	}
	if (len > (int)sizeof(mask))
		len = sizeof(mask);
	if (!rn_fetch_or_addr(d, addr, &mask, (size_t)len))
		return;
	for (unsigned i = 0; i < 32; i++)
		count += (mask >> i) & 1;
	bool invert = count * 2 > 32;
	rn_put(d, invert ? "~[" : "[");
	for (unsigned i = 0; i < 32; i++) {
		if (((mask >> i) & 1) == (invert ? 0u : 1u)) {
			const char *n =
			    i < sizeof(icmp_types) / sizeof(icmp_types[0]) ? icmp_types[i] : NULL;
			if (!first)
				rn_put(d, " ");
			if (n)
				rn_put(d, n);
			else
				rn_putf(d, "%#x /* ICMP_??? */", i);
			first = false;
		}
	}
	rn_put(d, "]");
}

/* Fields of a structure the kernel may have cut short: each field that
 * fits prints as a number, one cut in half as its bytes. */
struct field {
	const char *name;
	unsigned off, size;
	char kind; /* 'd' signed, 'u' unsigned, 'i' an id */
};

static void put_fields(struct rn_dctx *d, const unsigned char *p, unsigned len,
		       const struct field *f, unsigned n)
{
	rn_put(d, "{");
	for (unsigned i = 0; i < n && len > f[i].off; i++) {
		if (i)
			rn_put(d, ", ");
		rn_putf(d, "%s=", f[i].name);
		if (len < f[i].off + f[i].size) {
			rn_put_hex(d, p + f[i].off, len - f[i].off, false);
			continue;
		}
		uint32_t v;
		memcpy(&v, p + f[i].off, sizeof(v));
		if (f[i].kind == 'd')
			rn_put_d(d, (int32_t)v);
		else if (f[i].kind == 'i')
			put_id(d, v);
		else
			rn_put_u(d, v);
	}
	rn_put(d, "}");
}

static const struct field linger_fields[] = {
    {"l_onoff", 0, 4, 'd'},
    {"l_linger", 4, 4, 'd'},
};
static const struct field ucred_fields[] = {
    {"pid", 0, 4, 'd'},
    {"uid", 4, 4, 'i'},
    {"gid", 8, 4, 'i'},
};
static const struct field tpacket_stats_fields[] = {
    {"tp_packets", 0, 4, 'u'},
    {"tp_drops", 4, 4, 'u'},
    {"tp_freeze_q_cnt", 8, 4, 'u'},
};

/* Up to max bytes of a structure made of fields, cut to len. */
static void put_fields_at(struct rn_dctx *d, uint64_t addr, unsigned len, const struct field *f,
			  unsigned n, unsigned max)
{
	unsigned char buf[16];
	if (len > max)
		len = max;
	if (rn_fetch_or_addr(d, addr, buf, len))
		put_fields(d, buf, len, f, n);
}

/* SOL_SOCKET options whose value is a plain int. */
static bool so_int_like(uint32_t name)
{
	switch (name) {
	case SO_DEBUG:
	case SO_REUSEADDR:
	case SO_DONTROUTE:
	case SO_BROADCAST:
	case SO_SNDBUF:
	case SO_RCVBUF:
	case SO_KEEPALIVE:
	case SO_OOBINLINE:
	case SO_NO_CHECK:
	case SO_PRIORITY:
	case SO_BSDCOMPAT:
	case SO_REUSEPORT:
	case SO_PASSCRED:
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
	case SO_DETACH_FILTER:
	case 29: /* SO_TIMESTAMP_OLD */
	case SO_ACCEPTCONN:
	case SO_SNDBUFFORCE:
	case SO_RCVBUFFORCE:
	case SO_PASSSEC:
	case 35: /* SO_TIMESTAMPNS_OLD */
	case SO_MARK:
	case 37: /* SO_TIMESTAMPING_OLD */
	case SO_RXQ_OVFL:
	case SO_WIFI_STATUS:
	case SO_PEEK_OFF:
	case SO_NOFCS:
	case SO_LOCK_FILTER:
	case SO_SELECT_ERR_QUEUE:
	case SO_BUSY_POLL:
	case SO_INCOMING_CPU:
	case SO_CNX_ADVICE:
	case SO_INCOMING_NAPI_ID:
	case SO_ZEROCOPY:
	case 63: /* SO_TIMESTAMP_NEW */
	case 64: /* SO_TIMESTAMPNS_NEW */
	case 65: /* SO_TIMESTAMPING_NEW */
	case 68: /* SO_DETACH_REUSEPORT_BPF */
	case 69: /* SO_PREFER_BUSY_POLL */
	case 70: /* SO_BUSY_POLL_BUDGET */
	case 73: /* SO_RESERVE_MEM */
	case 75: /* SO_RCVMARK */
		return true;
	default:
		return false;
	}
}

/* SO_TXREHASH's int: [SOCK_TXREHASH_ENABLED]. Too short a value prints as
 * its address going in (setsockopt) and as its bytes coming out. */
static void put_txrehash(struct rn_dctx *d, uint64_t addr, int len)
{
	int v;
	if (len < (int)sizeof(v)) {
		if (!d->exiting)
			rn_put_ptr(d, addr);
		else
			put_hex_str_at(d, addr, (unsigned)len);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, &v, sizeof(v)))
		return;
	if (v == 0 || v == 1 || v == 255)
		rn_putf(d, "[%s]",
			v == 255 ? "SOCK_TXREHASH_DEFAULT"
			: v      ? "SOCK_TXREHASH_ENABLED"
				 : "SOCK_TXREHASH_DISABLED");
	else
		rn_putf(d, "[%d /* SOCK_TXREHASH_??? */]", v);
}

static void put_getsockopt_val(struct rn_dctx *d, uint32_t level, uint32_t name, uint64_t addr,
			       int ulen, int rlen)
{
	if (ulen <= 0 || rlen <= 0) {
		rn_put_ptr(d, addr);
		return;
	}
	if (addr && level == SOL_SOCKET) {
		switch (name) {
		case SO_LINGER:
			put_fields_at(d, addr, (unsigned)rlen, linger_fields, 2, 8);
			return;
		case SO_PEERCRED:
			put_fields_at(d, addr, (unsigned)rlen, ucred_fields, 3, 12);
			return;
		case SO_ERROR: {
			/* An errno by name; a cut-short value as its bytes. */
			uint32_t err = 0;
			const char *n;
			if (rlen < (int)sizeof(err)) {
				put_hex_str_at(d, addr, (unsigned)rlen);
				return;
			}
			if (!rn_fetch_or_addr(d, addr, &err, sizeof(err)))
				return;
			n = rn_errno_name(err);
			if (n)
				rn_putf(d, "[%s]", n);
			else
				rn_putf(d, "[%u]", err);
			return;
		}
		case 74: /* SO_TXREHASH */
			put_txrehash(d, addr, rlen);
			return;
		default:
			if (!so_int_like(name))
				break;
			if (rlen >= (int)sizeof(int))
				put_int_at(d, addr);
			else
				put_hex_str_at(d, addr, (unsigned)rlen);
			return;
		}
	} else if (addr && level == NET_SOL_PACKET && name == NET_PACKET_STATISTICS) {
		put_fields_at(d, addr, (unsigned)rlen, tpacket_stats_fields, 3, 12);
		return;
	} else if (addr && level == SOL_RAW && name == NET_ICMP_FILTER) {
		put_icmp_filter(d, addr, rlen);
		return;
	} else if (addr && level == NET_SOL_NETLINK) {
		if (name == NET_NETLINK_LIST_MEMBERSHIPS) { /* an array of group masks */
			unsigned n = (unsigned)(ulen < rlen ? ulen : rlen) / 4;
			uint64_t lim = d->o->abbrev_limit;
			if (!n) {
				rn_put(d, "[]");
				return;
			}
			for (unsigned i = 0; i < n; i++) {
				uint32_t v;
				if (i)
					rn_put(d, ", ");
				if (n > lim && i >= lim) {
					rn_put(d, "...");
					break;
				}
				if (rn_mem_read(d->pid, addr + i * 4ull, &v, 4) < 0) {
					if (!i) {
						rn_put_ptr(d, addr);
						return;
					}
					rn_putf(d, "... /* %#llx */",
						(unsigned long long)(addr + i * 4ull));
					break;
				}
				if (!i)
					rn_put(d, "[");
				rn_putf(d, "%u", v);
			}
			rn_put(d, "]");
		} else {
			put_int_at(d, addr);
		}
		return;
	}
	if (rlen == (int)sizeof(int))
		put_int_at(d, addr);
	else
		rn_put_str(d, addr, (uint64_t)(int64_t)rlen);
}

RN_SYS_FUNC(getsockopt)
{
	uint32_t level = (uint32_t)d->args[1], name = (uint32_t)d->args[2];
	if (!d->exiting) {
		int ulen;
		put_sockopt_level_name(d, level, name, true);
		rn_sep(d);
		if (d->args[4] && rn_mem_read(d->pid, d->args[4], &ulen, sizeof(ulen)) == 0) {
			d->priv[0] = (uint32_t)ulen;
			return 0;
		}
		rn_put_ptr(d, d->args[3]);
		rn_sep(d);
		rn_put_ptr(d, d->args[4]);
		return RN_DEC_DONE;
	}
	int ulen = (int)(uint32_t)d->priv[0], rlen;
	if (d->failed || rn_mem_read(d->pid, d->args[4], &rlen, sizeof(rlen)) < 0) {
		rn_put_ptr(d, d->args[3]);
		rn_sep(d);
		rn_putf(d, "[%d]", ulen);
		return 0;
	}
	put_getsockopt_val(d, level, name, d->args[3], ulen, rlen);
	rn_sep(d);
	if (ulen != rlen)
		rn_putf(d, "[%d => %d]", ulen, rlen);
	else
		rn_putf(d, "[%d]", rlen);
	return 0;
}

/* A structure setsockopt takes whole: the address unless len covers it. */
static bool fetch_whole(struct rn_dctx *d, uint64_t addr, int len, void *obj, size_t size)
{
	if (len < (int)size) {
		rn_put_ptr(d, addr);
		return false;
	}
	return rn_fetch_or_addr(d, addr, obj, size);
}

static void put_group_req(struct rn_dctx *d, uint64_t addr, int len)
{
	struct group_req gr;
	unsigned char sa[SA_MAX + 1];
	if (!fetch_whole(d, addr, len, &gr, sizeof(gr)))
		return;
	rn_put(d, "{gr_interface=");
	rn_put_ifindex(d, gr.gr_interface);
	rn_put(d, ", gr_group=");
	memset(sa, 0, sizeof(sa));
	memcpy(sa, &gr.gr_group, sizeof(gr.gr_group));
	put_sockaddr_buf(d, sa, (int)sizeof(gr.gr_group));
	rn_put(d, "}");
}

/* A classic BPF program, struct sock_fprog. The instructions themselves are
 * not decoded: where strace spells out a non-empty program, this shows the
 * address of its instructions. */
static void put_sock_fprog(struct rn_dctx *d, uint64_t addr, int len)
{
	struct {
		uint16_t len;
		uint64_t filter;
	} fp;
	if (len != (int)sizeof(fp)) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, &fp, sizeof(fp)))
		return;
	rn_putf(d, "{len=%u, filter=", fp.len);
	rn_put_ptr(d, fp.filter);
	rn_put(d, "}");
}

static void put_packet_mreq(struct rn_dctx *d, uint64_t addr, int len)
{
	static const char *const types[] = {"PACKET_MR_MULTICAST", "PACKET_MR_PROMISC",
					    "PACKET_MR_ALLMULTI", "PACKET_MR_UNICAST"};
	struct packet_mreq mr;
	if (len != (int)sizeof(mr) || rn_mem_read(d->pid, addr, &mr, sizeof(mr)) < 0) {
		rn_put_ptr(d, addr);
		return;
	}
	rn_put(d, "{mr_ifindex=");
	rn_put_ifindex(d, (unsigned)mr.mr_ifindex);
	rn_put(d, ", mr_type=");
	if (mr.mr_type < sizeof(types) / sizeof(types[0]))
		rn_put(d, types[mr.mr_type]);
	else
		rn_putf(d, "%#x /* PACKET_MR_??? */", mr.mr_type);
	rn_putf(d, ", mr_alen=%u, mr_address=", mr.mr_alen);
	/* strace shows an Ethernet-sized address when the length is 0. */
	unsigned n = mr.mr_alen ? mr.mr_alen : 6;
	if (n > sizeof(mr.mr_address))
		n = sizeof(mr.mr_address);
	for (unsigned i = 0; i < n; i++)
		rn_putf(d, "%s%02x", i ? ":" : "", mr.mr_address[i]);
	rn_put(d, "}");
}

static void put_setsockopt_val(struct rn_dctx *d, uint32_t level, uint32_t name, uint64_t addr,
			       int len)
{
	if (addr && level == SOL_SOCKET) {
		if (name == SO_LINGER) {
			struct linger lg;
			if (fetch_whole(d, addr, len, &lg, sizeof(lg)))
				rn_putf(d, "{l_onoff=%d, l_linger=%d}", lg.l_onoff, lg.l_linger);
			return;
		}
		if (name == 26 || name == SO_ATTACH_REUSEPORT_CBPF) {
			put_sock_fprog(d, addr, len);
			return;
		}
		if (name == 74) { /* SO_TXREHASH */
			put_txrehash(d, addr, len);
			return;
		}
		if (so_int_like(name)) {
			if (len < (int)sizeof(int))
				rn_put_ptr(d, addr);
			else
				put_int_at(d, addr);
			return;
		}
	}
	if (addr && level == SOL_IP) {
		if (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP) {
			struct ip_mreq mr;
			if (!fetch_whole(d, addr, len, &mr, sizeof(mr)))
				return;
			rn_put(d, "{imr_multiaddr=");
			rn_put_inet(d, AF_INET, &mr.imr_multiaddr, NULL);
			rn_put(d, ", imr_interface=");
			rn_put_inet(d, AF_INET, &mr.imr_interface, NULL);
			rn_put(d, "}");
			return;
		}
		if (name == MCAST_JOIN_GROUP || name == MCAST_LEAVE_GROUP) {
			put_group_req(d, addr, len);
			return;
		}
	}
	if (addr && level == SOL_IPV6) {
		if (name == IPV6_ADD_MEMBERSHIP || name == IPV6_DROP_MEMBERSHIP ||
		    name == IPV6_JOIN_ANYCAST || name == IPV6_LEAVE_ANYCAST) {
			struct ipv6_mreq mr;
			if (!fetch_whole(d, addr, len, &mr, sizeof(mr)))
				return;
			rn_put(d, "{");
			rn_put_inet(d, AF_INET6, &mr.ipv6mr_multiaddr, "ipv6mr_multiaddr");
			rn_put(d, ", ipv6mr_interface=");
			rn_put_ifindex(d, mr.ipv6mr_interface);
			rn_put(d, "}");
			return;
		}
		if (name == MCAST_JOIN_GROUP || name == MCAST_LEAVE_GROUP) {
			put_group_req(d, addr, len);
			return;
		}
	}
	if (addr && level == NET_SOL_PACKET) {
		if (name == NET_PACKET_RX_RING || name == NET_PACKET_TX_RING) {
			struct tpacket_req rq;
			if (len != (int)sizeof(rq) ||
			    rn_mem_read(d->pid, addr, &rq, sizeof(rq)) < 0)
				rn_put_ptr(d, addr);
			else
				rn_putf(d,
					"{tp_block_size=%u, tp_block_nr=%u, tp_frame_size=%u, "
					"tp_frame_nr=%u}",
					rq.tp_block_size, rq.tp_block_nr, rq.tp_frame_size,
					rq.tp_frame_nr);
			return;
		}
		if (name == NET_PACKET_ADD_MEMBERSHIP || name == NET_PACKET_DROP_MEMBERSHIP) {
			put_packet_mreq(d, addr, len);
			return;
		}
	}
	if (addr && level == SOL_RAW && name == NET_ICMP_FILTER) {
		put_icmp_filter(d, addr, len);
		return;
	}
	if (addr && level == NET_SOL_NETLINK) {
		if (len < (int)sizeof(int))
			rn_put_ptr(d, addr);
		else
			put_int_at(d, addr);
		return;
	}
	if (len == (int)sizeof(int))
		put_int_at(d, addr);
	else
		rn_put_str(d, addr, (uint64_t)(int64_t)len);
}

RN_SYS_FUNC(setsockopt)
{
	uint32_t level = (uint32_t)d->args[1], name = (uint32_t)d->args[2];
	int len = (int)d->args[4];
	put_sockopt_level_name(d, level, name, false);
	rn_sep(d);
	put_setsockopt_val(d, level, name, d->args[3], len);
	rn_sep(d);
	rn_put_d(d, len);
	return RN_DEC_DONE;
}
