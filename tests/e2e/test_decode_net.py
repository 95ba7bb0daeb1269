# SPDX-License-Identifier: MIT
"""Socket syscall decoding compared with strace: socket addresses of many
families, message headers with iovecs and control messages, socket options,
socket ioctls (struct ifreq, struct ifconf), errors. The fixture sends only over loopback and unix sockets (one fixed path
under /tmp), on fixed ports; most odd layouts go to fd -1, so the call fails
but its arguments are still decoded."""
import pytest

from conftest import assert_same_trace, fixture

NET = ("socket,socketpair,bind,connect,listen,accept,accept4,getsockname,getpeername,"
       "sendto,recvfrom,sendmsg,recvmsg,sendmmsg,recvmmsg,shutdown,setsockopt,getsockopt,ioctl")


@pytest.mark.parametrize("opts", [
    ["-e", "trace=" + NET],
    ["-e", "trace=" + NET, "-s", "4"],
    ["-e", "trace=%network"],
], ids=["default", "s4", "class"])
def test_net_decoders_match_strace(opts):
    assert_same_trace(opts, [fixture("dec_net")])


def test_socket_ioctls_are_decoded():
    # Line for line as strace, and really decoded (not left raw).
    t = assert_same_trace(["-e", "trace=ioctl"], [fixture("dec_net")]).trace
    for needle in ('SIOCGIFFLAGS, {ifr_name="lo", ifr_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING}',
                   'SIOCGIFNAME, {ifr_ifindex=1, ifr_name="lo"}', 'SIOCGIFFLAGS, {ifr_name="nope0"}',
                   'SIOCSIFMTU, {ifr_name="nope0", ifr_mtu=1500}', "ifr_hwaddr={sa_family=ARPHRD_LOOPBACK",
                   'ifc_buf=[{ifr_name="lo", ifr_addr={sa_family=AF_INET', "SIOCDEVPRIVATE, 0)"):
        assert needle in t, needle


@pytest.mark.parametrize("opts", [[], ["-s", "4"]], ids=["default", "s4"])
def test_netlink_messages_match_strace(opts):
    """Netlink sockets (tests/fixtures/dec_netlink): message headers, the
    kernel's errors quoting the request, an address dump ending in
    NLMSG_DONE, link/address/route/neighbour/rule messages and their
    attributes (nested per-family link settings too), traffic control, several messages in one
    buffer, short and malformed buffers, a socket not bound yet, a netlink
    peer address in sendmsg/recvmsg, NETLINK_GENERIC's controller, sock_diag
    requests and answers for inet and unix sockets; line for
    line as strace, and -s cuts lists and strings the same way."""
    t = assert_same_trace(["-e", "trace=sendto,recvfrom,sendmsg,recvmsg"] + opts,
                          [fixture("dec_netlink")]).trace
    if not opts:
        # really decoded, not left raw
        for needle in ("nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=2",
                       "{error=-ENODEV, msg=[{nlmsg_len=", "{error=-EADDRNOTAVAIL, msg=",
                       '[{nla_len=7, nla_type=IFA_LABEL}, "lo"]',
                       'inet_addr("127.0.0.1")', "nlmsg_type=NLMSG_DONE",
                       "[{nla_len=8, nla_type=RTA_TABLE}, RT_TABLE_MAIN]",
                       "RTEXT_FILTER_VF|RTEXT_FILTER_SKIP_STATS", "nlmsg_type=nlctrl",
                       "nlmsg_type=0x12 /* NLMSG_??? */",
                       "ndm_state=NUD_REACHABLE|NUD_PERMANENT, ndm_flags=NTF_ROUTER",
                       "[{nla_len=10, nla_type=NDA_LLADDR}, 02:fc:00:00:00:05]",
                       "action=FR_ACT_TO_TBL", "[{nla_len=5, nla_type=FRA_PROTOCOL}, RTPROT_KERNEL]",
                       "nla_type=NLA_F_NESTED|IFLA_AF_SPEC", "[IPV4_DEVCONF_FORWARDING-1]=1",
                       "[DEVCONF_HOPLIMIT]=64, [DEVCONF_MTU6]=-1", "IN6_ADDR_GEN_MODE_STABLE_PRIVACY",
                       "{rx_packets=7, tx_packets=0",
                       "idiag_ext=1<<(INET_DIAG_MEMINFO-1)|1<<(INET_DIAG_SKMEMINFO-1), idiag_states=1<<TCP_CLOSING",
                       'id={idiag_sport=htons(8080), idiag_dport=htons(0), idiag_src=inet_addr("127.0.0.1")',
                       "[SK_MEMINFO_RCVBUF]=100", "{is_icsk=1, mc_loop=1, mc_all=1}",
                       "udiag_show=UDIAG_SHOW_NAME|UDIAG_SHOW_PEER|UDIAG_SHOW_RQLEN",
                       '[{nla_len=11, nla_type=UNIX_DIAG_NAME}, "/tmp/x"]',
                       "tcm_parent=4294967295, tcm_info=2}, [[{nla_len=15, nla_type=TCA_KIND}, \"pfifo_fast\"]",
                       "[{nla_len=20, nla_type=TCA_STATS_BASIC}, {bytes=1952835, packets=21426}]"):
            assert needle in t, needle
