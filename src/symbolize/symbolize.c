// SPDX-License-Identifier: MIT
/* Source attribution with libdwfl. One Dwfl per traced process, reporting
 * the modules of /proc/PID/maps; our own thread callbacks give libdwfl the
 * registers (one PTRACE_GETREGS) and the stack (a snapshot from the stack
 * pointer up, read with process_vm_readv in doubling chunks as the unwind
 * reaches further), so an unwind costs two or three syscalls instead of one
 * PTRACE_PEEKDATA per stack word. */
#include "symbolize/symbolize.h"

#include "symbolize/srcmap.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include <libiberty/demangle.h>

#define STACK_SNAPSHOT (64 * 1024)

struct proc {
	pid_t tgid;
	Dwfl *dwfl;
	bool stale; /* mappings may have changed: report again before the next unwind */
	bool attached;
};

/* How to find the caller's frame from this pc, for the x86_64 cases CFI
 * almost always describes: CFA = rsp or rbp + offset, the return address
 * and the saved rbp at CFA + offset. Anything else (expressions, signal
 * frames, registers saved in registers) leaves ok false and the unwind to
 * libdwfl. */
enum reg_where { REG_SAME, REG_UNDEF, REG_AT_CFA };

struct frame_rule {
	bool ok;
	bool cfa_rbp; /* CFA from rbp, else from rsp */
	int64_t cfa_off;
	enum reg_where ra, rbp;
	int64_t ra_off, rbp_off;
};

/* A cached location and what the public part does not say. */
struct loc_ent {
	struct rn_srcloc pub;
	bool dwarf; /* its module has debug info */
	struct frame_rule rule;
};

struct loc_slot {
	uint64_t mod, rel; /* module key, module-relative address */
	struct loc_ent *loc;
};

struct str_slot {
	uint64_t hash;
	char *s;
};

/* What the thread callbacks read during one unwind. */
struct unwind_ctx {
	pid_t tid;
	uint64_t sp;
	size_t stack_len; /* bytes of the snapshot read so far */
	bool stack_end;	  /* the mapping ended: nothing more to read */
	unsigned char stack[STACK_SNAPSHOT];
};

struct rn_symbolizer {
	struct proc *procs;
	size_t nprocs, cap_procs;
	struct loc_slot *locs;
	size_t nlocs, cap_locs;
	struct str_slot *strs;
	size_t nstrs, cap_strs;
	struct unwind_ctx cur;
	const Dwfl_Callbacks *cb;
	const struct rn_srcmap *map;
	bool libdwfl_only; /* RENACER_UNWIND=libdwfl: no fast path (tests compare both) */
	/* Frames found by the current unwind. */
	const struct rn_srcloc **frames;
	int nframes, max_frames;
	bool want_all;
	bool miss;  /* a pc outside every known module: mappings changed */
	Dwfl *dwfl; /* of the current unwind */
};

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}

#define HASH_SEED 0xcbf29ce484222325ULL

/* --- string interning: every name is kept once --- */

static const char *intern(struct rn_symbolizer *sym, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	uint64_t h = hash_bytes(s, n, HASH_SEED);
	if (sym->nstrs * 2 >= sym->cap_strs) {
		size_t cap = sym->cap_strs ? sym->cap_strs * 2 : 256;
		struct str_slot *t = calloc(cap, sizeof(*t));
		if (!t)
			return NULL;
		for (size_t i = 0; i < sym->cap_strs; i++) {
			if (!sym->strs[i].s)
				continue;
			size_t j = sym->strs[i].hash & (cap - 1);
			while (t[j].s)
				j = (j + 1) & (cap - 1);
			t[j] = sym->strs[i];
		}
		free(sym->strs);
		sym->strs = t;
		sym->cap_strs = cap;
	}
	size_t j = h & (sym->cap_strs - 1);
	for (; sym->strs[j].s; j = (j + 1) & (sym->cap_strs - 1))
		if (sym->strs[j].hash == h && strcmp(sym->strs[j].s, s) == 0)
			return sym->strs[j].s;
	char *copy = strdup(s);
	if (!copy)
		return NULL;
	sym->strs[j].hash = h;
	sym->strs[j].s = copy;
	sym->nstrs++;
	return copy;
}

/* --- processes --- */

static struct proc *proc_find(struct rn_symbolizer *sym, pid_t tgid)
{
	for (size_t i = 0; i < sym->nprocs; i++)
		if (sym->procs[i].tgid == tgid)
			return &sym->procs[i];
	return NULL;
}

static void proc_drop(struct proc *p)
{
	if (p->dwfl)
		dwfl_end(p->dwfl);
	p->dwfl = NULL;
	p->attached = false;
}

/* --- thread callbacks: registers and stack of the stopped thread --- */

static pid_t cb_next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct rn_symbolizer *sym = arg;
	(void)dwfl;
	if (*thread_argp)
		return 0;
	*thread_argp = sym;
	return sym->cur.tid;
}

static bool cb_get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	struct rn_symbolizer *sym = arg;
	(void)dwfl;
	*thread_argp = sym;
	return tid == sym->cur.tid;
}

/* Grow the stack snapshot to cover [sp, sp + want): read in doubling
 * chunks, so the common case (a few frames between the syscall and the
 * program's code, a few hundred bytes) costs one small read. */
static void snapshot_grow(struct unwind_ctx *c, size_t want)
{
	while (c->stack_len < want && c->stack_len < sizeof(c->stack) && !c->stack_end) {
		size_t chunk = c->stack_len ? c->stack_len : 1024;
		if (c->stack_len + chunk > sizeof(c->stack))
			chunk = sizeof(c->stack) - c->stack_len;
		struct iovec local = { c->stack + c->stack_len, chunk };
		struct iovec remote = { (void *)(uintptr_t)(c->sp + c->stack_len), chunk };
		/* A read that runs off the top of the stack mapping returns
		 * what was readable before the fault. */
		ssize_t n = process_vm_readv(c->tid, &local, 1, &remote, 1, 0);
		if (n <= 0) {
			c->stack_end = true;
			break;
		}
		c->stack_len += (size_t)n;
		if ((size_t)n < chunk)
			c->stack_end = true;
	}
}

static bool mem_read(struct unwind_ctx *c, uint64_t addr, uint64_t *result)
{
	if (addr >= c->sp && addr - c->sp + sizeof(*result) <= sizeof(c->stack)) {
		size_t end = addr - c->sp + sizeof(*result);
		snapshot_grow(c, end);
		if (end <= c->stack_len) {
			memcpy(result, c->stack + (addr - c->sp), sizeof(*result));
			return true;
		}
	}
	/* Outside the snapshot (a frame far up the stack, or data the CFI
	 * points at): read the word directly. */
	struct iovec local = { result, sizeof(*result) };
	struct iovec remote = { (void *)(uintptr_t)addr, sizeof(*result) };
	return process_vm_readv(c->tid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(*result);
}

static bool cb_memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct rn_symbolizer *sym = arg;
	(void)dwfl;
	uint64_t v;
	if (!mem_read(&sym->cur, addr, &v))
		return false;
	*result = v;
	return true;
}

static bool cb_set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct rn_symbolizer *sym = arg;
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, sym->cur.tid, NULL, &r) < 0)
		return false;
	/* x86_64 DWARF register numbers 0-16: rax rdx rcx rbx rsi rdi rbp rsp
	 * r8-r15 rip. */
	Dwarf_Word regs[17] = { r.rax, r.rdx, r.rcx, r.rbx, r.rsi, r.rdi, r.rbp, r.rsp, r.r8,
				r.r9,  r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, r.rip };
	struct unwind_ctx *c = &sym->cur;
	c->sp = r.rsp;
	c->stack_len = 0;
	c->stack_end = false;
	return dwfl_thread_state_registers(thread, 0, 17, regs);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = cb_next_thread,
	.get_thread = cb_get_thread,
	.memory_read = cb_memory_read,
	.set_initial_registers = cb_set_initial_registers,
};

/* The process's Dwfl, (re)reported when needed. */
static Dwfl *proc_dwfl(struct rn_symbolizer *sym, pid_t tgid)
{
	struct proc *p = proc_find(sym, tgid);
	if (!p) {
		if (sym->nprocs == sym->cap_procs) {
			size_t cap = sym->cap_procs ? sym->cap_procs * 2 : 16;
			struct proc *n = realloc(sym->procs, cap * sizeof(*n));
			if (!n)
				return NULL;
			sym->procs = n;
			sym->cap_procs = cap;
		}
		p = &sym->procs[sym->nprocs++];
		memset(p, 0, sizeof(*p));
		p->tgid = tgid;
	}
	if (p->dwfl && p->stale) {
		/* New mappings (dlopen): report the maps again; libdwfl keeps
		 * modules it already knows. */
		dwfl_report_begin_add(p->dwfl);
		if (dwfl_linux_proc_report(p->dwfl, tgid) != 0) {
			proc_drop(p);
			return NULL;
		}
		dwfl_report_end(p->dwfl, NULL, NULL);
		p->stale = false;
	}
	if (!p->dwfl) {
		p->dwfl = dwfl_begin(sym->cb);
		if (!p->dwfl)
			return NULL;
		dwfl_report_begin(p->dwfl);
		if (dwfl_linux_proc_report(p->dwfl, tgid) != 0 ||
		    dwfl_report_end(p->dwfl, NULL, NULL) != 0) {
			proc_drop(p);
			return NULL;
		}
		p->stale = false;
	}
	if (!p->attached) {
		if (!dwfl_attach_state(p->dwfl, NULL, tgid, &thread_callbacks, sym)) {
			proc_drop(p);
			return NULL;
		}
		p->attached = true;
	}
	return p->dwfl;
}

/* --- classification --- */

/* Code the user did not write: the C library, the dynamic loader, other
 * system libraries, the vDSO. */
static bool system_module(const char *path)
{
	static const char *const dirs[] = { "/lib/", "/lib64/", "/lib32/", "/usr/lib/",
					    "/usr/lib64/", "/usr/lib32/", "/usr/libexec/" };
	if (!path || path[0] != '/')
		return true; /* [vdso], [vsyscall] */
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strncmp(path, dirs[i], strlen(dirs[i])) == 0)
			return true;
	return false;
}

/* Sources compiled into the program that are not the user's: the Rust
 * standard library (monomorphised into every binary), system headers
 * (inline functions, C++ templates), the compiler's runtime. */
static bool system_source(const char *file)
{
	static const char *const prefixes[] = { "/rustc/", "/usr/include/", "/usr/lib/",
						"/usr/src/" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(file, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	/* Rust's standard library is recorded as library/std/src/...
	 * (relative) or under /rustc/HASH/. */
	static const char *const rust[] = { "library/std/", "library/core/", "library/alloc/",
					    "library/panic_unwind/", "library/backtrace/" };
	for (size_t i = 0; i < sizeof(rust) / sizeof(rust[0]); i++)
		if (strncmp(file, rust[i], strlen(rust[i])) == 0)
			return true;
	return strstr(file, "/.cargo/registry/") || strstr(file, "/.rustup/toolchains/");
}

/* A readable function name: C++ and Rust (legacy and v0) symbols are
 * demangled by libiberty, symbol versions ("@@GLIBC_2.34") dropped. */
static const char *function_name(struct rn_symbolizer *sym, const char *raw)
{
	if (!raw)
		return NULL;
	char *d = NULL;
	if (raw[0] == '_' && (raw[1] == 'Z' || raw[1] == 'R'))
		d = cplus_demangle(raw, DMGL_PARAMS | DMGL_ANSI | DMGL_AUTO);
	if (!d) {
		d = strdup(raw);
		if (!d)
			return NULL;
		char *at = strchr(d, '@');
		if (at && at != d)
			*at = '\0';
	}
	const char *s = intern(sym, d);
	free(d);
	return s;
}

static uint64_t module_key(Dwfl_Module *mod, const char *name)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	int n = dwfl_module_build_id(mod, &bits, &vaddr);
	if (n > 0)
		return hash_bytes(bits, (size_t)n, HASH_SEED);
	return hash_bytes(name, strlen(name), HASH_SEED ^ 1);
}

/* Where CFI says register regno of the caller is. */
static bool reg_rule(Dwarf_Frame *fr, int regno, enum reg_where *where, int64_t *off)
{
	Dwarf_Op mem[3], *ops;
	size_t nops;
	if (dwarf_frame_register(fr, regno, mem, &ops, &nops) != 0)
		return false;
	if (nops == 0) {
		*where = ops ? REG_UNDEF : REG_SAME;
		return true;
	}
	if (ops[0].atom != DW_OP_call_frame_cfa)
		return false;
	*where = REG_AT_CFA;
	*off = 0;
	if (nops == 1)
		return true;
	if (nops == 2 && ops[1].atom == DW_OP_plus_uconst) {
		/* A negative offset arrives as its two's complement. */
		*off = (int64_t)ops[1].number;
		return true;
	}
	return false;
}

static void frame_rule_of(Dwfl_Module *mod, Dwarf_Addr pc, struct frame_rule *r)
{
	Dwarf_Addr bias;
	Dwarf_Frame *fr = NULL;
	Dwarf_CFI *cfi = dwfl_module_eh_cfi(mod, &bias);
	if (!cfi || dwarf_cfi_addrframe(cfi, pc - bias, &fr) != 0) {
		cfi = dwfl_module_dwarf_cfi(mod, &bias);
		if (!cfi || dwarf_cfi_addrframe(cfi, pc - bias, &fr) != 0)
			return;
	}
	bool signalp = false;
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_frame_info(fr, NULL, NULL, &signalp) != 16 || signalp ||
	    dwarf_frame_cfa(fr, &ops, &nops) != 0 || nops != 1)
		goto out;
	/* libdw gives a register+offset CFA as DW_OP_bregx (register in
	 * number, offset in number2); DW_OP_bregN is accepted too. */
	uint64_t reg;
	if (ops[0].atom == DW_OP_bregx) {
		reg = ops[0].number;
		r->cfa_off = (int64_t)ops[0].number2;
	} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
		reg = ops[0].atom - DW_OP_breg0;
		r->cfa_off = (int64_t)ops[0].number;
	} else {
		goto out;
	}
	if (reg != 6 && reg != 7) /* rbp, rsp */
		goto out;
	r->cfa_rbp = reg == 6;
	if (!reg_rule(fr, 16, &r->ra, &r->ra_off) || !reg_rule(fr, 6, &r->rbp, &r->rbp_off) ||
	    r->ra == REG_SAME)
		goto out;
	r->ok = true;
out:
	free(fr);
}

/* Take a location in generated code back to the original program: by
 * line when the map covers it, else the function's name alone. */
static void apply_map(const struct rn_srcmap *m, struct rn_srcloc *loc)
{
	const struct rn_srcmap_line *ml = rn_srcmap_lookup(m, loc->file, loc->line);
	const char *fn = rn_srcmap_function(m, loc->function);
	if (!ml && !fn)
		return;
	loc->lang = m->language;
	loc->gen_file = loc->file;
	loc->gen_line = loc->line;
	loc->gen_function = loc->function;
	if (ml) {
		loc->file = m->source_file;
		loc->line = ml->src_line;
		if (ml->src_function)
			loc->function = ml->src_function;
		else if (fn)
			loc->function = fn;
	} else {
		loc->function = fn;
	}
}

/* The location of pc, cached by (module, relative address). */
static struct loc_ent *lookup_ent(struct rn_symbolizer *sym, Dwfl *dwfl, Dwarf_Addr pc)
{
	Dwfl_Module *mod = dwfl_addrmodule(dwfl, pc);
	if (!mod)
		return NULL;
	Dwarf_Addr start;
	const char *name = dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL);
	if (!name)
		return NULL;
	uint64_t key = module_key(mod, name), rel = pc - start;
	uint64_t h = key ^ (rel * 0x9e3779b97f4a7c15ULL);
	if (sym->cap_locs && sym->nlocs * 2 < sym->cap_locs) {
		for (size_t j = h & (sym->cap_locs - 1); sym->locs[j].loc; j = (j + 1) & (sym->cap_locs - 1))
			if (sym->locs[j].mod == key && sym->locs[j].rel == rel)
				return sym->locs[j].loc;
	} else {
		size_t cap = sym->cap_locs ? sym->cap_locs * 2 : 1024;
		struct loc_slot *t = calloc(cap, sizeof(*t));
		if (!t)
			return NULL;
		for (size_t i = 0; i < sym->cap_locs; i++) {
			struct loc_slot *o = &sym->locs[i];
			if (!o->loc)
				continue;
			uint64_t oh = o->mod ^ (o->rel * 0x9e3779b97f4a7c15ULL);
			size_t j = oh & (cap - 1);
			while (t[j].loc)
				j = (j + 1) & (cap - 1);
			t[j] = *o;
		}
		free(sym->locs);
		sym->locs = t;
		sym->cap_locs = cap;
		for (size_t j = h & (cap - 1); sym->locs[j].loc; j = (j + 1) & (cap - 1))
			if (sym->locs[j].mod == key && sym->locs[j].rel == rel)
				return sym->locs[j].loc;
	}

	struct loc_ent *ent = calloc(1, sizeof(*ent));
	if (!ent)
		return NULL;
	struct rn_srcloc *loc = &ent->pub;
	Dwarf_Addr bias;
	ent->dwarf = dwfl_module_getdwarf(mod, &bias) != NULL;
	frame_rule_of(mod, pc, &ent->rule);
	const char *base = strrchr(name, '/');
	loc->module = intern(sym, base ? base + 1 : name);
	GElf_Off off = 0;
	GElf_Sym s;
	const char *fn = dwfl_module_addrinfo(mod, pc, &off, &s, NULL, NULL, NULL);
	loc->function = function_name(sym, fn);
	loc->offset = off;
	Dwfl_Line *line = dwfl_module_getsrc(mod, pc);
	if (line) {
		int lineno = 0;
		const char *file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		if (file && lineno > 0) {
			loc->file = intern(sym, file);
			loc->line = (unsigned)lineno;
		}
	}
	/* The program's own code: not a system module, and either a line
	 * from the user's sources or, in a module without any debug info,
	 * just a symbol. A frame without a line in a module that has DWARF
	 * is compiler- or runtime-made (crt's _start, the Rust main shim). */
	loc->user = !system_module(name) &&
		    (loc->file ? !system_source(loc->file) : !ent->dwarf);

	if (sym->map)
		apply_map(sym->map, loc);

	size_t j = h & (sym->cap_locs - 1);
	while (sym->locs[j].loc)
		j = (j + 1) & (sym->cap_locs - 1);
	sym->locs[j] = (struct loc_slot){ key, rel, ent };
	sym->nlocs++;
	return ent;
}

static const struct rn_srcloc *lookup(struct rn_symbolizer *sym, Dwfl *dwfl, Dwarf_Addr pc)
{
	struct loc_ent *e = lookup_ent(sym, dwfl, pc);
	return e ? &e->pub : NULL;
}

/* --- unwinding --- */

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct rn_symbolizer *sym = arg;
	Dwarf_Addr pc;
	bool activation;
	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	/* A return address points after the call: look up the call itself. */
	if (!activation && pc)
		pc--;
	if (!dwfl_addrmodule(sym->dwfl, pc)) {
		/* Code we were not told about (dlopen, JIT): the unwind
		 * cannot go on without its CFI. */
		sym->miss = true;
		return DWARF_CB_ABORT;
	}
	const struct rn_srcloc *loc = lookup(sym, sym->dwfl, pc);
	if (!loc)
		return sym->nframes < sym->max_frames ? DWARF_CB_OK : DWARF_CB_ABORT;
	if (sym->nframes < sym->max_frames)
		sym->frames[sym->nframes++] = loc;
	/* For attribution, stop at the first user frame with a line. */
	if (!sym->want_all && loc->user && loc->file)
		return DWARF_CB_ABORT;
	return sym->nframes < sym->max_frames ? DWARF_CB_OK : DWARF_CB_ABORT;
}

static int unwind(struct rn_symbolizer *sym, pid_t tgid, pid_t tid, const struct rn_srcloc **out,
		  int max, bool all)
{
	for (int attempt = 0;; attempt++) {
		Dwfl *dwfl = proc_dwfl(sym, tgid);
		if (!dwfl)
			return -ENOENT;
		sym->cur.tid = tid;
		sym->dwfl = dwfl;
		sym->frames = out;
		sym->nframes = 0;
		sym->max_frames = max;
		sym->want_all = all;
		sym->miss = false;
		/* An error at the end of the stack is normal (no CFI past _start). */
		(void)dwfl_getthread_frames(dwfl, tid, frame_cb, sym);
		if (!sym->miss || attempt == 1)
			return sym->nframes;
		/* Report the mappings again and retry once. */
		rn_symbolizer_invalidate(sym, tgid);
	}
}

/* The fast unwind: the frame rules cached with each location, the stack
 * snapshot, and rbp read from the thread only if a frame needs it before
 * any frame restores it. No libdwfl thread state, no PTRACE_GETREGS.
 * Returns the frames found, or -1 when a frame needs what the rules do not
 * cover (the caller then asks libdwfl). */
static int fast_unwind(struct rn_symbolizer *sym, Dwfl *dwfl, pid_t tid, uint64_t ip, uint64_t sp,
		       const struct rn_srcloc **out, int max, bool all)
{
	struct unwind_ctx *c = &sym->cur;
	c->tid = tid;
	c->sp = sp;
	c->stack_len = 0;
	c->stack_end = false;
	enum { RBP_LIVE, RBP_KNOWN, RBP_LOST } rbp_state = RBP_LIVE;
	uint64_t pc = ip, rbp = 0;
	int n = 0;
	for (bool activation = true; n < max; activation = false) {
		/* A return address points after the call: look up the call. */
		struct loc_ent *e = lookup_ent(sym, dwfl, activation ? pc : pc - 1);
		if (!e)
			return -1;
		out[n++] = &e->pub;
		/* The answer: a user frame with a line, or one in a module
		 * without debug info (nothing further out would have a line
		 * of the program's own, short of a second user module). */
		if (!all && e->pub.user && (e->pub.file || !e->dwarf))
			return n;
		const struct frame_rule *r = &e->rule;
		if (r->ok && r->ra == REG_UNDEF)
			return n; /* the outermost frame (_start, clone) */
		if (!r->ok)
			return -1;
		if (r->cfa_rbp && rbp_state != RBP_KNOWN) {
			if (rbp_state == RBP_LOST)
				return -1;
			errno = 0;
			long v = ptrace(PTRACE_PEEKUSER, tid,
					(void *)offsetof(struct user_regs_struct, rbp), NULL);
			if (errno)
				return -1;
			rbp = (uint64_t)v;
			rbp_state = RBP_KNOWN;
		}
		uint64_t cfa = (r->cfa_rbp ? rbp : sp) + (uint64_t)r->cfa_off;
		uint64_t ra;
		if (!mem_read(c, cfa + (uint64_t)r->ra_off, &ra))
			return -1;
		if (r->rbp == REG_AT_CFA) {
			if (!mem_read(c, cfa + (uint64_t)r->rbp_off, &rbp))
				return -1;
			rbp_state = RBP_KNOWN;
		} else if (r->rbp == REG_UNDEF) {
			rbp_state = RBP_LOST;
		}
		if (ra == 0)
			return n;
		sp = cfa;
		pc = ra;
	}
	return n;
}

static int unwind_at(struct rn_symbolizer *sym, pid_t tgid, pid_t tid, uint64_t ip, uint64_t sp,
		     const struct rn_srcloc **out, int max, bool all)
{
	Dwfl *dwfl = proc_dwfl(sym, tgid);
	if (!dwfl)
		return -ENOENT;
	int n = sym->libdwfl_only ? -1 : fast_unwind(sym, dwfl, tid, ip, sp, out, max, all);
	return n >= 0 ? n : unwind(sym, tgid, tid, out, max, all);
}

const struct rn_srcloc *rn_symbolize_user_at(struct rn_symbolizer *sym, pid_t tgid, pid_t tid,
					     uint64_t ip, uint64_t sp)
{
	const struct rn_srcloc *frames[RN_MAX_FRAMES];
	int n = unwind_at(sym, tgid, tid, ip, sp, frames, RN_MAX_FRAMES, false);
	return rn_srcloc_pick_user(frames, n);
}

int rn_symbolize_stack_at(struct rn_symbolizer *sym, pid_t tgid, pid_t tid, uint64_t ip,
			  uint64_t sp, const struct rn_srcloc **out, int max)
{
	return unwind_at(sym, tgid, tid, ip, sp, out, max, true);
}

const struct rn_srcloc *rn_symbolize_user(struct rn_symbolizer *sym, pid_t tgid, pid_t tid)
{
	const struct rn_srcloc *frames[RN_MAX_FRAMES];
	int n = unwind(sym, tgid, tid, frames, RN_MAX_FRAMES, false);
	return rn_srcloc_pick_user(frames, n);
}

const struct rn_srcloc *rn_srcloc_pick_user(const struct rn_srcloc *const *frames, int n)
{
	/* User frames without a line exist only in modules without debug
	 * info; a line anywhere further out is still the better answer. */
	const struct rn_srcloc *by_symbol = NULL;
	for (int i = 0; i < n; i++) {
		if (!frames[i]->user)
			continue;
		if (frames[i]->file)
			return frames[i];
		if (!by_symbol)
			by_symbol = frames[i];
	}
	return by_symbol;
}

int rn_symbolize_stack(struct rn_symbolizer *sym, pid_t tgid, pid_t tid,
		       const struct rn_srcloc **out, int max)
{
	return unwind(sym, tgid, tid, out, max, true);
}

void rn_symbolizer_invalidate(struct rn_symbolizer *sym, pid_t tgid)
{
	struct proc *p = proc_find(sym, tgid);
	if (p)
		p->stale = true;
}

void rn_symbolizer_forget(struct rn_symbolizer *sym, pid_t tgid)
{
	struct proc *p = proc_find(sym, tgid);
	if (!p)
		return;
	proc_drop(p);
	*p = sym->procs[--sym->nprocs];
}

struct rn_symbolizer *rn_symbolizer_new(const struct rn_srcmap *map)
{
	struct rn_symbolizer *sym = calloc(1, sizeof(*sym));
	if (sym) {
		sym->cb = &proc_callbacks;
		sym->map = map;
		const char *u = getenv("RENACER_UNWIND");
		sym->libdwfl_only = u && strcmp(u, "libdwfl") == 0;
	}
	return sym;
}

void rn_symbolizer_free(struct rn_symbolizer *sym)
{
	if (!sym)
		return;
	for (size_t i = 0; i < sym->nprocs; i++)
		proc_drop(&sym->procs[i]);
	free(sym->procs);
	for (size_t i = 0; i < sym->cap_locs; i++)
		free(sym->locs[i].loc);
	free(sym->locs);
	for (size_t i = 0; i < sym->cap_strs; i++)
		free(sym->strs[i].s);
	free(sym->strs);
	free(sym);
}

size_t rn_srcloc_format(const struct rn_srcloc *loc, char *buf, size_t len)
{
	int n;
	if (loc->file && loc->function)
		n = snprintf(buf, len, "%s:%u in %s", loc->file, loc->line, loc->function);
	else if (loc->file)
		n = snprintf(buf, len, "%s:%u", loc->file, loc->line);
	else if (loc->function)
		n = snprintf(buf, len, "%s+0x%llx", loc->function, (unsigned long long)loc->offset);
	else
		n = snprintf(buf, len, "%s", loc->module);
	if (n >= 0 && (size_t)n < len && loc->lang) {
		int m;
		if (loc->gen_file && loc->file != loc->gen_file)
			m = snprintf(buf + n, len - (size_t)n, " (%s; %s:%u)", loc->lang, loc->gen_file,
				     loc->gen_line);
		else
			m = snprintf(buf + n, len - (size_t)n, " (%s; %s)", loc->lang,
				     loc->gen_function ? loc->gen_function : "?");
		if (m > 0)
			n += m;
	}
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}
