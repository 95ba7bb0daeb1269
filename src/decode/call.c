// SPDX-License-Identifier: MIT
#include "decode/call.h"

#include <stdio.h>
#include <string.h>

static void init_dctx(struct rn_call *c, pid_t pid, const struct rn_decode_opts *o, struct rn_dctx *d)
{
	memset(d, 0, sizeof(*d));
	d->pid = pid;
	d->nr = c->nr;
	d->ent = rn_syscall_get(c->nr);
	memcpy(d->args, c->args, sizeof(d->args));
	d->out = &c->out;
	d->rx = &c->rx;
	d->arg_off = c->arg_off;
	d->narg = &c->narg;
	d->o = o;
	memcpy(d->priv, c->priv, sizeof(d->priv));
	d->restart_nr = c->restart_nr;
	d->rval = c->rval;
	d->path_hit = &c->path_hit;
}

void rn_call_entry(struct rn_call *c, pid_t pid, const struct rn_decode_opts *o)
{
	struct rn_dctx d;
	rn_buf_reset(&c->out);
	rn_buf_reset(&c->rx);
	c->narg = 0;
	memset(c->priv, 0, sizeof(c->priv));
	c->rval = RN_RVAL_DEC;
	c->path_hit = false;
	init_dctx(c, pid, o, &d);
	c->need_exit = rn_decode_entry(&d);
	memcpy(c->priv, d.priv, sizeof(c->priv));
	c->rval = d.rval;
	c->entry_len = c->out.len;
}

void rn_call_exit(struct rn_call *c, pid_t pid, const struct rn_decode_opts *o, int64_t ret, bool failed,
		  bool no_return, struct rn_buf *rval)
{
	if (no_return) {
		rn_buf_reset(rval);
		rn_buf_putc(rval, '?');
		return;
	}
	struct rn_dctx d;
	init_dctx(c, pid, o, &d);
	d.exiting = true;
	d.ret = ret;
	d.failed = failed;
	rn_decode_exit(&d, c->need_exit, rval);
}

void rn_call_event(const struct rn_call *c, struct rn_event *ev, int64_t ret, bool failed, bool no_return,
		   char *tmp, size_t tmplen)
{
	ev->kind = RN_EV_SYSCALL;
	ev->nr = (int)c->nr;
	ev->name = rn_call_name(c->nr, tmp, tmplen);
	memcpy(ev->args, c->args, sizeof(ev->args));
	ev->ret = ret;
	if (!rn_syscall_get(c->nr))
		ev->flags |= RN_EVF_UNKNOWN;
	if (no_return)
		ev->flags |= RN_EVF_NO_RETURN;
	else if (failed)
		ev->flags |= RN_EVF_ERROR;
}

void rn_call_text(const struct rn_call *c, struct rn_event *ev, const char *rval)
{
	ev->flags |= RN_EVF_DECODED;
	if (c->path_hit)
		ev->flags |= RN_EVF_PATH;
	ev->args_text = c->out.p ? c->out.p : "";
	ev->args_len = c->out.len;
	ev->arg_off = c->arg_off;
	ev->nargs_text = c->narg;
	ev->rval_text = rval;
	ev->entry_len = rval ? c->entry_len : c->out.len;
}

const char *rn_call_name(long nr, char *tmp, size_t len)
{
	const struct rn_sysent *e = rn_syscall_get(nr);
	if (e)
		return e->name;
	(void)snprintf(tmp, len, "syscall_%#lx", (unsigned long)nr);
	return tmp;
}

void rn_call_done(struct rn_call *c)
{
	rn_buf_done(&c->out);
	rn_buf_done(&c->rx);
}
