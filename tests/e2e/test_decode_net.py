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
