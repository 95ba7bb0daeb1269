// SPDX-License-Identifier: MIT
/* The ptrace backend. One loop: wait for any task to stop, handle the stop,
 * resume it. Tasks are seized (PTRACE_SEIZE) so group-stops can be told from
 * signal stops and tasks can be interrupted for a clean detach. Syscall
 * stops are read with PTRACE_GET_SYSCALL_INFO, one call per stop. When the
 * filter narrows the set and we started the program, a seccomp-bpf program
 * in the tracee stops it only on traced syscalls (PTRACE_CONT between them).
 *
 * Per stop the work is: waitpid, one ptrace read, decoding if a sink wants
 * text, one resume. Everything else (formatting, statistics) is the sinks'. */
#include "backend/ptrace/ptrace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "decode/call.h"
#include "decode/decode.h"
#include "filter/filter.h"
#include "symbolize/symbolize.h"

struct tcb {
	pid_t pid;
	bool in_syscall;  /* between entry and exit stops */
	bool traced;	  /* the current syscall is reported */
	bool hidden;	  /* spawned child before its execve: report nothing */
	bool attached;	  /* came from -p: detach, never kill */
	struct rn_call call; /* the syscall in progress */
	uint64_t ip, sp;  /* at entry */
	uint64_t t_entry; /* CLOCK_MONOTONIC ns */
	pid_t tgid;	 /* thread group, 0 until needed (--source) */
	const struct rn_srcloc *src;	/* --source: call site of the current syscall */
	const struct rn_srcloc **stack; /* --stack: RN_MAX_FRAMES slots, allocated on use */
	unsigned nstack;
	/* -e inject/fault: this task's invocations of each syscall a rule
	 * names (RN_NSYSCALLS, allocated on use), and what is injected into the
	 * call in progress */
	uint32_t *inj_count;
	bool injected;	  /* the call in progress was chosen by a rule */
	bool inj_ret;	  /* ... its result is inj_value (it was skipped) */
	int64_t inj_value;
	int inj_sig;	  /* ... a signal comes with its return */
	int pending_sig;  /* delivered when the task is resumed */
};

struct tracer {
	const struct rn_options *o;
	struct rn_sinks *sinks;
	struct rn_decode_opts dopts;
	bool decode;	   /* some sink wants text */
	bool idle_flush;   /* some sink wants to flush before we block */
	bool seccomp;	   /* filter pushed down: PTRACE_CONT outside syscalls */
	unsigned ptrace_opts;
	struct tcb **tab;  /* open addressing by pid */
	size_t tab_cap, ntasks;
	struct tcb *last;  /* most recent lookup */
	pid_t main_pid;
	int main_status;   /* renacer's exit status when main_pid ends */
	bool main_done;
	int64_t wall_off;  /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	struct rn_buf rval;
	struct rn_symbolizer *sym; /* --source / --stack; borrowed */
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = sig;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* --- task table --- */

static size_t slot_of(pid_t pid, size_t cap)
{
	return ((size_t)pid * 2654435761u) & (cap - 1);
}

static struct tcb *tcb_get(struct tracer *tr, pid_t pid)
{
	if (tr->last && tr->last->pid == pid)
		return tr->last;
	if (!tr->tab_cap)
		return NULL;
	for (size_t i = slot_of(pid, tr->tab_cap);; i = (i + 1) & (tr->tab_cap - 1)) {
		struct tcb *t = tr->tab[i];
		if (!t)
			return NULL;
		if (t->pid == pid)
			return tr->last = t;
	}
}

static int tab_insert(struct tcb **tab, size_t cap, struct tcb *t)
{
	for (size_t i = slot_of(t->pid, cap);; i = (i + 1) & (cap - 1))
		if (!tab[i]) {
			tab[i] = t;
			return 0;
		}
}

static struct tcb *tcb_new(struct tracer *tr, pid_t pid)
{
	if ((tr->ntasks + 1) * 2 > tr->tab_cap) {
		size_t cap = tr->tab_cap ? tr->tab_cap * 2 : 64;
		struct tcb **tab = calloc(cap, sizeof(*tab));
		if (!tab)
			return NULL;
		for (size_t i = 0; i < tr->tab_cap; i++)
			if (tr->tab[i])
				(void)tab_insert(tab, cap, tr->tab[i]);
		free(tr->tab);
		tr->tab = tab;
		tr->tab_cap = cap;
	}
	struct tcb *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->pid = pid;
	t->call.restart_nr = -1;
	(void)tab_insert(tr->tab, tr->tab_cap, t);
	tr->ntasks++;
	return t;
}

static void tcb_free(struct tcb *t)
{
	if (!t)
		return;
	rn_call_done(&t->call);
	free(t->stack);
	free(t->inj_count);
	free(t);
}

static void tcb_remove(struct tracer *tr, struct tcb *t)
{
	size_t cap = tr->tab_cap, i = slot_of(t->pid, cap);
	while (tr->tab[i] != t)
		i = (i + 1) & (cap - 1);
	tr->tab[i] = NULL;
	/* Re-insert the rest of the cluster so probes stay unbroken. */
	for (size_t j = (i + 1) & (cap - 1); tr->tab[j]; j = (j + 1) & (cap - 1)) {
		struct tcb *m = tr->tab[j];
		tr->tab[j] = NULL;
		(void)tab_insert(tr->tab, cap, m);
	}
	if (tr->last == t)
		tr->last = NULL;
	tr->ntasks--;
	tcb_free(t);
}

/* --- events --- */

static void ev_init(struct tracer *tr, struct rn_event *ev, enum rn_event_kind kind, pid_t pid)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->pid = pid;
	ev->nr = -1;
	ev->ntasks = (unsigned)tr->ntasks;
	ev->ts_ns = (uint64_t)((int64_t)mono_ns() + tr->wall_off);
}

static void emit_process(struct tracer *tr, enum rn_event_kind kind, pid_t pid, int64_t val,
			 uint32_t flags, const char *text)
{
	struct rn_event ev;
	ev_init(tr, &ev, kind, pid);
	ev.ret = val;
	ev.flags = flags;
	if (text) {
		ev.args_text = text;
		ev.args_len = strlen(text);
		ev.flags |= RN_EVF_DECODED;
	}
	rn_sinks_process(tr->sinks, &ev);
}

/* Report the syscall t is in. no_return: the task is gone ("= ?"). */
static void emit_syscall(struct tracer *tr, struct tcb *t, int64_t ret, bool is_error,
			 bool no_return, uint64_t now)
{
	struct rn_event ev;
	char tmp[32];
	memset(&ev, 0, sizeof(ev));
	ev.pid = t->pid;
	rn_call_event(&t->call, &ev, ret, is_error, no_return, tmp, sizeof(tmp));
	ev.ip = t->ip;
	ev.src = t->src;
	ev.stack = t->stack;
	ev.nstack = t->nstack;
	ev.ntasks = (unsigned)tr->ntasks;
	ev.ts_ns = (uint64_t)((int64_t)t->t_entry + tr->wall_off);
	ev.dur_ns = now - t->t_entry;
	if (t->injected && !no_return)
		ev.flags |= RN_EVF_INJECTED;
	if (tr->decode) {
		rn_call_exit(&t->call, t->pid, &tr->dopts, ret, is_error, no_return, &tr->rval);
		if ((ev.flags & RN_EVF_INJECTED) && t->inj_ret)
			rn_buf_put(&tr->rval, " (INJECTED)");
		rn_call_text(&t->call, &ev, tr->rval.p ? tr->rval.p : "");
	}
	rn_sinks_event(tr->sinks, &ev);
}

/* --- -e inject / -e fault (x86_64 registers) --- */

/* Whether invocation n (1-based) of a rule's syscalls is chosen. */
static bool inject_chosen(const struct rn_inject *in, uint32_t n)
{
	return n >= in->first && (!in->last || n <= in->last) && (n - in->first) % in->step == 0;
}

/* At a syscall-entry stop: the rule for this syscall (the last one naming
 * it, as in strace) counts the task's invocations of it; when it chooses
 * this one and the result is to be replaced, the call is skipped (the
 * kernel runs syscall -1, which changes nothing). */
static void inject_entry(struct tracer *tr, struct tcb *t, long nr)
{
	t->injected = t->inj_ret = false;
	t->inj_sig = 0;
	const struct rn_inject *in = NULL;
	for (size_t i = tr->o->ninjects; i-- > 0 && !in;)
		if (rn_filter_match(tr->o->injects[i].set, nr))
			in = &tr->o->injects[i];
	if (!in || nr < 0 || nr >= RN_NSYSCALLS)
		return;
	if (!t->inj_count && !(t->inj_count = calloc(RN_NSYSCALLS, sizeof(*t->inj_count))))
		return;
	if (!inject_chosen(in, ++t->inj_count[nr]))
		return;
	t->injected = true;
	t->inj_sig = in->signal;
	if (in->error || in->has_retval) {
#ifdef __x86_64__
		if (ptrace(PTRACE_POKEUSER, t->pid, (void *)offsetof(struct user_regs_struct, orig_rax),
			   (void *)-1L) == 0) {
			t->inj_ret = true;
			t->inj_value = in->error ? -(int64_t)in->error : in->retval;
		}
#endif
	}
}

/* At the exit stop of a chosen call: the injected result replaces what
 * the skipped call left; a signal waits for the resume. */
static void inject_exit(struct tcb *t, int64_t *ret, bool *is_error)
{
	if (t->inj_ret) {
#ifdef __x86_64__
		(void)ptrace(PTRACE_POKEUSER, t->pid, (void *)offsetof(struct user_regs_struct, rax),
			     (void *)t->inj_value);
#endif
		*ret = t->inj_value;
		*is_error = t->inj_value < 0 && t->inj_value >= -4095;
	}
	if (t->inj_sig)
		t->pending_sig = t->inj_sig;
}

/* The thread group of t, read once from /proc (threads share their
 * leader's address space, and so its symbolizer state). */
static pid_t tgid_of(struct tcb *t)
{
	if (t->tgid)
		return t->tgid;
	char path[64], line[128];
	(void)snprintf(path, sizeof(path), "/proc/%d/status", (int)t->pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return t->pid;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Tgid:", 5) == 0) {
			t->tgid = (pid_t)atoi(line + 5);
			break;
		}
	(void)fclose(f);
	return t->tgid ? t->tgid : t->pid;
}

/* --source / --stack: where in the program this call was made. */
static void locate(struct tracer *tr, struct tcb *t)
{
	pid_t tgid = tgid_of(t);
	t->src = NULL;
	t->nstack = 0;
	if (tr->sinks->needs & RN_NEED_STACK) {
		if (!t->stack)
			t->stack = calloc(RN_MAX_FRAMES, sizeof(*t->stack));
		if (t->stack) {
			int n = rn_symbolize_stack_at(tr->sym, tgid, t->pid, t->ip, t->sp, t->stack,
						      RN_MAX_FRAMES);
			t->nstack = n > 0 ? (unsigned)n : 0;
		}
	}
	if (!(tr->sinks->needs & RN_NEED_SOURCE))
		return;
	if (tr->sinks->needs & RN_NEED_STACK)
		t->src = rn_srcloc_pick_user(t->stack, (int)t->nstack);
	else
		t->src = rn_symbolize_user_at(tr->sym, tgid, t->pid, t->ip, t->sp);
}

static void syscall_entry(struct tracer *tr, struct tcb *t, long nr, const uint64_t *args,
			  uint64_t ip, uint64_t sp, uint64_t now)
{
	t->sp = sp;
	t->in_syscall = true;
	t->call.nr = nr;
	memcpy(t->call.args, args, sizeof(t->call.args));
	t->ip = ip;
	t->t_entry = now;
	/* The spawned child shows itself from its execve on; that call is
	 * still made by our own code, so it has no call site to show. */
	bool first_exec = t->hidden && (nr == SYS_execve || nr == SYS_execveat);
	if (first_exec)
		t->hidden = false;
	t->traced = !t->hidden && rn_filter_match(tr->o->filter, nr);
	t->injected = false;
	if (tr->o->ninjects && !t->hidden)
		inject_entry(tr, t, nr);
	t->call.need_exit = false;
	t->src = NULL;
	t->nstack = 0;
	if (t->traced && tr->sym && !first_exec) {
		locate(tr, t);
		/* Unwinding (loading DWARF, the first time) is ours, not the call's. */
		t->t_entry = mono_ns();
	}
	if (!t->traced || !tr->decode)
		return;
	rn_call_entry(&t->call, t->pid, &tr->dopts);
	if (tr->sinks->needs & RN_NEED_ENTRY) {
		struct rn_event ev;
		char tmp[32];
		memset(&ev, 0, sizeof(ev));
		ev.kind = RN_EV_SYSCALL;
		ev.pid = t->pid;
		ev.nr = (int)nr;
		ev.name = rn_call_name(nr, tmp, sizeof(tmp));
		memcpy(ev.args, t->call.args, sizeof(ev.args));
		ev.ip = ip;
		ev.src = t->src;
		ev.stack = t->stack;
		ev.nstack = t->nstack;
		ev.ntasks = (unsigned)tr->ntasks;
		ev.ts_ns = (uint64_t)((int64_t)now + tr->wall_off);
		rn_call_text(&t->call, &ev, NULL);
		rn_sinks_entry(tr->sinks, &ev);
	}
}

static void syscall_exit(struct tracer *tr, struct tcb *t, int64_t ret, bool is_error, uint64_t now)
{
	if (!t->in_syscall) {
		/* Exit without entry: attached mid-syscall. Nothing to pair. */
		return;
	}
	t->in_syscall = false;
	if (t->injected)
		inject_exit(t, &ret, &is_error);
	if (t->traced)
		emit_syscall(tr, t, ret, is_error, false, now);
	/* ERESTART_RESTARTBLOCK: the kernel will resume it as restart_syscall. */
	if (is_error && ret == -516)
		t->call.restart_nr = t->call.nr;
}

static void on_syscall_stop(struct tracer *tr, struct tcb *t, uint64_t now)
{
	struct __ptrace_syscall_info si;
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->pid, (void *)sizeof(si), &si) <= 0)
		return;
	switch (si.op) {
	case PTRACE_SYSCALL_INFO_ENTRY:
	case PTRACE_SYSCALL_INFO_SECCOMP:
		syscall_entry(tr, t, (long)si.entry.nr, si.entry.args, si.instruction_pointer,
			      si.stack_pointer, now);
		break;
	case PTRACE_SYSCALL_INFO_EXIT:
		syscall_exit(tr, t, si.exit.rval, si.exit.is_error != 0, now);
		break;
	default:
		break;
	}
}

static void resume(struct tracer *tr, struct tcb *t, int sig)
{
	enum __ptrace_request req =
		(tr->seccomp && !t->in_syscall) ? PTRACE_CONT : PTRACE_SYSCALL;
	/* ESRCH: the task died (SIGKILL) under us; its exit is reported by wait. */
	(void)ptrace(req, t->pid, NULL, (void *)(long)sig);
}

/* --- siginfo, as strace prints it --- */


/* --- process exits --- */

static void task_gone(struct tracer *tr, struct tcb *t, int status, uint64_t now)
{
	if (t->in_syscall && t->traced && !t->hidden)
		emit_syscall(tr, t, 0, false, true, now);
	if (!t->hidden) {
		if (WIFEXITED(status))
			emit_process(tr, RN_EV_EXITED, t->pid, WEXITSTATUS(status), 0, NULL);
		else
			emit_process(tr, RN_EV_KILLED, t->pid, WTERMSIG(status),
				     WCOREDUMP(status) ? RN_EVF_CORE : 0, NULL);
	}
	if (tr->sym && t->tgid == t->pid)
		rn_symbolizer_forget(tr->sym, t->pid);
	if (t->pid == tr->main_pid) {
		tr->main_done = true;
		tr->main_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	tcb_remove(tr, t);
}

/* A thread other than the leader called execve: the kernel gives it the
 * leader's pid. The leader's record is replaced by the exec'ing thread's. */
static struct tcb *exec_from_thread(struct tracer *tr, struct tcb *leader, pid_t old)
{
	struct tcb *execer = tcb_get(tr, old);
	if (!execer || execer == leader)
		return leader;
	if (leader) {
		if (!leader->hidden)
			emit_process(tr, RN_EV_SUPERSEDED, leader->pid, old, 0, NULL);
		pid_t lp = leader->pid;
		tcb_remove(tr, leader);
		/* Re-key the exec'ing thread under the leader's pid. */
		size_t cap = tr->tab_cap, i = slot_of(old, cap);
		while (tr->tab[i] != execer)
			i = (i + 1) & (cap - 1);
		tr->tab[i] = NULL;
		for (size_t j = (i + 1) & (cap - 1); tr->tab[j]; j = (j + 1) & (cap - 1)) {
			struct tcb *m = tr->tab[j];
			tr->tab[j] = NULL;
			(void)tab_insert(tr->tab, cap, m);
		}
		execer->pid = lp;
		(void)tab_insert(tr->tab, cap, execer);
		tr->last = NULL;
	}
	return execer;
}

static void handle_stop(struct tracer *tr, struct tcb *t, int status, uint64_t now)
{
	int sig = WSTOPSIG(status);
	unsigned event = (unsigned)status >> 16;

	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_stop(tr, t, now);
		/* -e inject=...:signal=: the signal comes with the return */
		resume(tr, t, t->pending_sig);
		t->pending_sig = 0;
		return;
	}
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_syscall_stop(tr, t, now);
		/* Continue to the exit stop of this syscall. */
		(void)ptrace(PTRACE_SYSCALL, t->pid, NULL, NULL);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE: {
		unsigned long child = 0;
		if (ptrace(PTRACE_GETEVENTMSG, t->pid, NULL, &child) == 0 &&
		    !tcb_get(tr, (pid_t)child)) {
			struct tcb *c = tcb_new(tr, (pid_t)child);
			if (c) {
				c->hidden = t->hidden;
				emit_process(tr, RN_EV_ATTACHED, c->pid, t->pid, 0, NULL);
			}
		}
		resume(tr, t, 0);
		return;
	}
	case PTRACE_EVENT_EXEC: {
		unsigned long old = 0;
		if (ptrace(PTRACE_GETEVENTMSG, t->pid, NULL, &old) == 0 && (pid_t)old != t->pid)
			t = exec_from_thread(tr, t, (pid_t)old);
		t->hidden = false;
		/* A new image: what was known of the old one is void. */
		if (tr->sym)
			rn_symbolizer_forget(tr->sym, tgid_of(t));
		resume(tr, t, 0);
		return;
	}
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			if (!t->hidden)
				emit_process(tr, RN_EV_STOPPED, t->pid, sig, 0, NULL);
			/* Stay stopped but keep reporting (SIGCONT, SIGKILL). */
			(void)ptrace(PTRACE_LISTEN, t->pid, NULL, NULL);
			return;
		}
		resume(tr, t, 0);
		return;
	default:
		break;
	}
	if (event) {
		resume(tr, t, 0);
		return;
	}
	/* A signal-delivery-stop: show it and deliver it. */
	siginfo_t si;
	bool have_si = ptrace(PTRACE_GETSIGINFO, t->pid, NULL, &si) == 0;
	if (!t->hidden) {
		struct rn_buf b = { 0 };
		if (have_si)
			rn_siginfo_text(&b, &si);
		else
			rn_buf_put(&b, "{}");
		emit_process(tr, RN_EV_SIGNAL, t->pid, sig, 0, b.p);
		rn_buf_done(&b);
	}
	resume(tr, t, sig);
}

/* --- start-up --- */

/* Find the program like execvp() would, so a missing one is reported before
 * anything is started. Returns a malloc'd path or NULL with errno set. */
char *rn_find_program(const char *name)
{
	if (strchr(name, '/')) {
		if (access(name, X_OK) != 0)
			return NULL;
		return strdup(name);
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int err = ENOENT;
	for (const char *p = path;;) {
		const char *c = strchr(p, ':');
		size_t dl = c ? (size_t)(c - p) : strlen(p);
		char buf[PATH_MAX];
		int n = snprintf(buf, sizeof(buf), "%.*s%s%s", (int)dl, dl ? p : ".", "/", name);
		if (n > 0 && (size_t)n < sizeof(buf)) {
			struct stat st;
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
				if (access(buf, X_OK) == 0)
					return strdup(buf);
				err = EACCES;
			}
		}
		if (!c)
			break;
		p = c + 1;
	}
	errno = err;
	return NULL;
}

static int spawn(struct tracer *tr, struct rn_diag *reterr)
{
	const struct rn_options *o = tr->o;
	char *prog = rn_find_program(o->argv[0]);
	if (!prog) {
		int e = errno;
		rn_diag_set(reterr, "cannot run '%s': %s", o->argv[0], strerror(e));
		return -e;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		free(prog);
		rn_diag_set(reterr, "fork: %s", strerror(e));
		return -e;
	}
	if (pid == 0) {
		/* Child: wait to be seized, push the filter down, run. */
		(void)kill(getpid(), SIGSTOP);
		for (size_t i = 0; i < sizeof(o->env_add) / sizeof(o->env_add[0]) && o->env_add[i]; i++)
			(void)putenv(o->env_add[i]);
		/* -E: VAR=VAL sets, VAR alone removes */
		for (size_t i = 0; i < o->nenv_changes; i++) {
			if (strchr(o->env_changes[i], '='))
				(void)putenv(o->env_changes[i]);
			else
				(void)unsetenv(o->env_changes[i]);
		}
		/* -u: the program runs as that user; the tracer keeps its rights */
		if (o->run_user && (initgroups(o->run_user, o->run_gid) != 0 ||
				    setgid(o->run_gid) != 0 || setuid(o->run_uid) != 0)) {
			(void)fprintf(stderr, "renacer: cannot run as '%s': %s\n", o->run_user,
				      strerror(errno));
			_exit(127);
		}
		if (tr->seccomp && rn_seccomp_install(o->filter) < 0)
			_exit(127); /* the parent only enables seccomp after a probe */
		execv(prog, o->argv);
		(void)fprintf(stderr, "renacer: cannot run '%s': %s\n", o->argv[0], strerror(errno));
		_exit(127);
	}
	free(prog);
	int st;
	if (waitpid(pid, &st, WSTOPPED) != pid || !WIFSTOPPED(st)) {
		rn_diag_set(reterr, "program '%s' did not start", o->argv[0]);
		return -ECHILD;
	}
	/* With a seccomp filter installed, a tracee that outlives us would get
	 * ENOSYS from every traced call: EXITKILL ends it cleanly instead.
	 * Without one it simply runs on untraced. */
	unsigned long opts = tr->ptrace_opts | (tr->seccomp ? PTRACE_O_EXITKILL : 0);
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)opts) != 0) {
		int e = errno;
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		rn_diag_set(reterr, "cannot trace '%s': %s", o->argv[0], strerror(e));
		return -e;
	}
	struct tcb *t = tcb_new(tr, pid);
	if (!t) {
		(void)kill(pid, SIGKILL);
		return -ENOMEM;
	}
	t->hidden = true;
	tr->main_pid = pid;
	(void)kill(pid, SIGCONT);
	return 0;
}

/* The syscall pid is blocked in, from /proc/PID/syscall, or -1. */
static long blocked_in(pid_t pid)
{
	char path[64], buf[64];
	(void)snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *end;
	long nr = strtol(buf, &end, 10);
	return end == buf ? -1 : nr;
}

static int attach_one(struct tracer *tr, pid_t pid, bool report)
{
	if (tcb_get(tr, pid))
		return 0;
	long restart = blocked_in(pid);
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)tr->ptrace_opts) != 0)
		return -errno;
	if (ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) != 0) {
		int e = errno;
		(void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
		return -e;
	}
	struct tcb *t = tcb_new(tr, pid);
	if (!t)
		return -ENOMEM;
	t->attached = true;
	t->call.restart_nr = restart;
	if (report)
		emit_process(tr, RN_EV_ATTACHED, pid, 0, 0, NULL);
	return 0;
}

static int attach(struct tracer *tr, struct rn_diag *reterr)
{
	const struct rn_options *o = tr->o;
	for (size_t i = 0; i < o->npids; i++) {
		pid_t pid = o->pids[i];
		int r = attach_one(tr, pid, true);
		if (r < 0) {
			rn_diag_set(reterr, "cannot attach to process %d: %s", pid, strerror(-r));
			return r;
		}
		if (!tr->main_pid)
			tr->main_pid = pid;
		if (!o->follow)
			continue;
		/* With -f, every thread of the process. */
		char dir[64];
		(void)snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
		DIR *dp = opendir(dir);
		if (!dp)
			continue;
		struct dirent *de;
		while ((de = readdir(dp)))
			if (de->d_name[0] != '.')
				(void)attach_one(tr, (pid_t)atoi(de->d_name), true);
		(void)closedir(dp);
	}
	return 0;
}

/* Wait statuses collected ahead of processing (several tasks only). */
#define EVQ_MAX 64
struct evq {
	pid_t pid[EVQ_MAX];
	int status[EVQ_MAX];
	unsigned n, i;
};

/* Detach one task whose stop (status) was just reported, re-delivering a
 * signal it was stopped for. */
static void detach_stopped(struct tracer *tr, struct tcb *t, int status)
{
	int sig = WSTOPSIG(status);
	unsigned event = (unsigned)status >> 16;
	int deliver = (event == 0 && sig != (SIGTRAP | 0x80)) ? sig : 0;
	(void)ptrace(PTRACE_DETACH, t->pid, NULL, (void *)(long)deliver);
	if (t->attached)
		emit_process(tr, RN_EV_DETACHED, t->pid, 0, 0, NULL);
	tcb_remove(tr, t);
}

static void detach_one_event(struct tracer *tr, pid_t pid, int status)
{
	struct tcb *t = tcb_get(tr, pid);
	if (!t)
		return;
	if (WIFEXITED(status) || WIFSIGNALED(status))
		task_gone(tr, t, status, mono_ns());
	else
		detach_stopped(tr, t, status);
}

/* Ctrl-C / SIGTERM: stop every task and detach, re-delivering a signal it
 * was stopped for, so the programs go on as if never traced. Stops already
 * collected in q are handled first: those tasks will not report again. */
static void detach_all(struct tracer *tr, struct evq *q)
{
	for (; q && q->i < q->n; q->i++)
		detach_one_event(tr, q->pid[q->i], q->status[q->i]);
	for (size_t i = 0; i < tr->tab_cap; i++)
		if (tr->tab[i])
			(void)ptrace(PTRACE_INTERRUPT, tr->tab[i]->pid, NULL, NULL);
	while (tr->ntasks) {
		int status;
		pid_t pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		detach_one_event(tr, pid, status);
	}
}

/* The next wait status to handle. With several tasks, everything already
 * pending is collected and exits go first, as strace orders them: a thread
 * that has finished shows "+++ exited" before another task's next call. */
static pid_t next_event(struct tracer *tr, struct evq *q, int *status)
{
	if (q->i < q->n) {
		*status = q->status[q->i];
		return q->pid[q->i++];
	}
	q->n = q->i = 0;
	/* Nothing ready: let sinks flush before we block, so the call a
	 * program is stuck in shows up now, not when the buffer fills. */
	pid_t pid = tr->idle_flush ? waitpid(-1, status, __WALL | WNOHANG) : 0;
	if (pid == 0) {
		if (tr->idle_flush)
			rn_sinks_idle(tr->sinks);
		pid = waitpid(-1, status, __WALL);
	}
	if (pid < 0 || tr->ntasks < 2)
		return pid;
	pid_t more[EVQ_MAX];
	int st[EVQ_MAX];
	unsigned n = 0;
	more[n] = pid;
	st[n++] = *status;
	pid_t p;
	int s;
	while (n < EVQ_MAX && (p = waitpid(-1, &s, __WALL | WNOHANG)) > 0) {
		more[n] = p;
		st[n++] = s;
	}
	for (int pass = 0; pass < 2; pass++)
		for (unsigned k = 0; k < n; k++) {
			bool gone = WIFEXITED(st[k]) || WIFSIGNALED(st[k]);
			if (gone == (pass == 0)) {
				q->pid[q->n] = more[k];
				q->status[q->n++] = st[k];
			}
		}
	*status = q->status[0];
	q->i = 1;
	return q->pid[0];
}

/* Whether this kernel lets us install a seccomp filter and see its stops:
 * checked once in a throwaway child so a failure never reaches the program. */
static bool seccomp_usable(const struct rn_options *o)
{
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(rn_seccomp_install(o->filter) == 0 ? 0 : 1);
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int rn_ptrace_run(const struct rn_options *o, struct rn_sinks *sinks, struct rn_symbolizer *sym,
		  struct rn_run_result *ret_res, struct rn_diag *reterr)
{
	struct tracer tr = { 0 };
	int r;
	tr.o = o;
	tr.sinks = sinks;
	tr.dopts.string_limit = o->string_limit;
	/* strace's -s also bounds how many array elements are shown. */
	tr.dopts.abbrev_limit = o->string_limit;
	tr.dopts.xflag = o->xflag;
	tr.dopts.decode_fds = o->decode_fds;
	tr.dopts.paths = (const char *const *)o->paths;
	tr.dopts.npaths = o->npaths;
	tr.decode = (sinks->needs & RN_NEED_DECODE) != 0;
	if (sinks->needs & (RN_NEED_SOURCE | RN_NEED_STACK))
		tr.sym = sym;
	for (size_t i = 0; i < sinks->n; i++)
		tr.idle_flush |= sinks->v[i]->ops->idle != NULL;
	tr.ptrace_opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC;
	if (o->follow)
		tr.ptrace_opts |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
	/* Push the filter down only with -f: children inherit the seccomp
	 * program, and one we do not trace would get ENOSYS from every call
	 * the program sends to a tracer that is not there. */
	if (o->argv && o->follow && !o->no_seccomp && !o->ninjects && rn_filter_narrows(o->filter) &&
	    seccomp_usable(o)) {
		tr.seccomp = true;
		tr.ptrace_opts |= PTRACE_O_TRACESECCOMP;
	}
	struct timespec rt, mt;
	(void)clock_gettime(CLOCK_REALTIME, &rt);
	(void)clock_gettime(CLOCK_MONOTONIC, &mt);
	tr.wall_off = ((int64_t)rt.tv_sec - (int64_t)mt.tv_sec) * 1000000000ll +
		      ((int64_t)rt.tv_nsec - (int64_t)mt.tv_nsec);
	uint64_t t0 = mono_ns();

	struct sigaction sa = { 0 }, old_int, old_term, old_hup;
	sa.sa_handler = on_interrupt;
	(void)sigemptyset(&sa.sa_mask);
	interrupted = 0;
	(void)sigaction(SIGINT, &sa, &old_int);
	(void)sigaction(SIGTERM, &sa, &old_term);
	(void)sigaction(SIGHUP, &sa, &old_hup);

	r = o->argv ? spawn(&tr, reterr) : attach(&tr, reterr);
	if (r < 0) {
		detach_all(&tr, NULL);
		goto out;
	}

	bool quiet_drain = false; /* interrupted with seccomp: keep the program safe */
	struct evq q = { .n = 0 };
	while (tr.ntasks) {
		if (interrupted && !quiet_drain) {
			if (tr.seccomp) {
				/* Detaching would leave RET_TRACE filters with no
				 * tracer (syscalls fail with ENOSYS): stay as a
				 * silent tracer until the program ends. */
				quiet_drain = true;
				tr.decode = false;
				interrupted = 0;
			} else {
				detach_all(&tr, &q);
				break;
			}
		}
		if (quiet_drain && interrupted) {
			detach_all(&tr, &q);
			break;
		}
		int status;
		pid_t pid = next_event(&tr, &q, &status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nothing left */
		}
		uint64_t now = mono_ns();
		struct tcb *t = tcb_get(&tr, pid);
		if (!t) {
			/* A new child can report before its parent's fork event. */
			if (WIFEXITED(status) || WIFSIGNALED(status))
				continue;
			t = tcb_new(&tr, pid);
			if (!t) {
				(void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
				continue;
			}
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			task_gone(&tr, t, status, now);
			continue;
		}
		if (quiet_drain) {
			/* Deliver signals, stop reporting. */
			int sig = WSTOPSIG(status);
			unsigned event = (unsigned)status >> 16;
			if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP) {
				struct __ptrace_syscall_info si;
				if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(si), &si) > 0)
					t->in_syscall = si.op != PTRACE_SYSCALL_INFO_EXIT;
				t->traced = false;
				resume(&tr, t, 0);
			} else if (event == PTRACE_EVENT_STOP &&
				   (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)) {
				(void)ptrace(PTRACE_LISTEN, pid, NULL, NULL);
			} else {
				resume(&tr, t, event ? 0 : sig);
			}
			continue;
		}
		handle_stop(&tr, t, status, now);
	}
	r = 0;
out:
	(void)sigaction(SIGINT, &old_int, NULL);
	(void)sigaction(SIGTERM, &old_term, NULL);
	(void)sigaction(SIGHUP, &old_hup, NULL);
	if (r == 0) {
		ret_res->wall_ns = mono_ns() - t0;
		ret_res->interrupted = interrupted != 0 || !tr.main_done;
		if (tr.main_done)
			ret_res->exit_status = tr.main_status;
		else if (o->argv)
			ret_res->exit_status = 128 + (interrupted ? interrupted : SIGINT);
		else
			ret_res->exit_status = 0; /* -p: detached, the process goes on */
	}
	for (size_t i = 0; i < tr.tab_cap; i++)
		tcb_free(tr.tab[i]);
	free(tr.tab);
	rn_buf_done(&tr.rval);
	return r;
}
