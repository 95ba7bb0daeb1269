# SPDX-License-Identifier: MIT
"""Socket syscall decoding compared with strace: socket addresses of many
families, message headers with iovecs and control messages, socket options,
errors. The fixture sends only over loopback and unix sockets (one fixed path
under /tmp), on fixed ports; most odd layouts go to fd -1, so the call fails
but its arguments are still decoded."""
import pytest

from conftest import assert_same_trace, fixture

NET = ("socket,socketpair,bind,connect,listen,accept,accept4,getsockname,getpeername,"
       "sendto,recvfrom,sendmsg,recvmsg,sendmmsg,recvmmsg,shutdown,setsockopt,getsockopt")


@pytest.mark.parametrize("opts", [
    ["-e", "trace=" + NET],
    ["-e", "trace=" + NET, "-s", "4"],
    ["-e", "trace=%network"],
], ids=["default", "s4", "class"])
def test_net_decoders_match_strace(opts):
    assert_same_trace(opts, [fixture("dec_net")])
