/* Signal generation and delivery: the riscv64 rt_sigframe, default
 * actions, and rt_sigreturn's restore. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux_abi.h"
#include "rt.h"
#include "signal_abi.h"

#define BIT(sig) (1ULL << ((sig) - 1))

/* Signals that cannot be caught, blocked or ignored. */

enum dfl { DFL_TERM, DFL_CORE, DFL_IGN, DFL_STOP, DFL_CONT };

static enum dfl default_action(int sig)
{
	switch (sig) {
	case SIG_QUIT: case SIG_ILL: case SIG_TRAP: case SIG_ABRT: case SIG_BUS:
	case SIG_FPE: case SIG_SEGV: case SIG_XCPU: case SIG_XFSZ: case SIG_SYS:
		return DFL_CORE;
	case SIG_CHLD: case SIG_URG: case SIG_WINCH:
		return DFL_IGN;
	case SIG_CONT:
		return DFL_CONT;
	case SIG_STOP: case SIG_TSTP: case SIG_TTIN: case SIG_TTOU:
		return DFL_STOP;
	default:
		return DFL_TERM;
	}
}

/* Queue sig; 0, or -EAGAIN when the real-time queue is full (sigqueue
 * reports it; RLIMIT_SIGPENDING's usual order of magnitude). */
static int set_pending(rt_sigpend *p, int sig, const rt_siginfo *info)
{
	if (sig < 1 || sig > RT_NSIG)
		return -LX_EINVAL;
	rt_siginfo in = info ? *info : (rt_siginfo){ .code = SI_KERNEL_CODE };
	if (sig < RT_SIGRTMIN) {
		p->set |= BIT(sig);
		p->std[sig] = in;
		return 0;
	}
	if (p->nrtq == p->caprtq) {
		size_t cap = p->caprtq ? p->caprtq * 2 : 8;
		if (cap > 4096)
			return -LX_EAGAIN;
		struct rt_sigq *q = realloc(p->rtq, cap * sizeof *q);
		if (!q)
			return -LX_EAGAIN;
		p->rtq = q;
		p->caprtq = cap;
	}
	p->rtq[p->nrtq++] = (struct rt_sigq){ sig, in };
	p->set |= BIT(sig);
	return 0;
}

/* Take one instance of sig out of p. */
static rt_siginfo take(rt_sigpend *p, int sig)
{
	rt_siginfo out = { 0 };
	if (sig < RT_SIGRTMIN) {
		p->set &= ~BIT(sig);
		return p->std[sig];
	}
	int more = 0;
	for (size_t i = 0; i < p->nrtq; i++) {
		if (p->rtq[i].sig != sig)
			continue;
		out = p->rtq[i].info;
		memmove(&p->rtq[i], &p->rtq[i + 1], (p->nrtq - i - 1) * sizeof *p->rtq);
		p->nrtq--;
		for (size_t j = i; j < p->nrtq; j++)
			more |= p->rtq[j].sig == sig;
		break;
	}
	if (!more)
		p->set &= ~BIT(sig);
	return out;
}

void rt_signal_discard(rt_sigpend *p, int sig)
{
	while (p->set & BIT(sig))
		take(p, sig);
}

void rt_sigpend_free(rt_sigpend *p)
{
	free(p->rtq);
	p->rtq = NULL;
	p->nrtq = p->caprtq = 0;
}

int rt_signal_dequeue(rt_thread *t, uint64_t set, rt_siginfo *info)
{
	uint64_t mine = t->sig.set & set, theirs = t->proc->sig.set & set;
	if (!(mine | theirs))
		return 0;
	int sig = __builtin_ctzll(mine ? mine : theirs) + 1;
	*info = take(mine ? &t->sig : &t->proc->sig, sig);
	return sig;
}

int rt_signal_thread_info(rt_thread *t, int sig, const rt_siginfo *info)
{
	return set_pending(&t->sig, sig, info);
}

int rt_signal_proc_info(rt_proc *p, int sig, const rt_siginfo *info)
{
	return set_pending(&p->sig, sig, info);
}

void rt_signal_thread(rt_thread *t, int sig) { rt_signal_thread_info(t, sig, NULL); }
void rt_signal_proc(rt_proc *p, int sig) { rt_signal_proc_info(p, sig, NULL); }

/* Is sig discarded on arrival (ignored, explicitly or by default)? */
static int ignored(const rt_proc *p, int sig)
{
	uint64_t h = p->sigact[sig].handler;
	return h == SIG_IGN_H || (h == SIG_DFL_H && default_action(sig) == DFL_IGN);
}

int rt_signal_next(const rt_thread *t)
{
	uint64_t ready = (t->sig.set | t->proc->sig.set) &
			 (~t->sigmask | SIG_UNBLOCKABLE);
	if (!ready)
		return 0;
	/* Synchronous faults first, then lowest number, as Linux does. */
	static const int sync[] = { SIG_SEGV, SIG_BUS, SIG_ILL, SIG_TRAP, SIG_FPE };
	for (size_t i = 0; i < sizeof sync / sizeof sync[0]; i++)
		if (ready & BIT(sync[i]))
			return sync[i];
	return __builtin_ctzll(ready) + 1;
}

void rt_signal_fault(rt_thread *t, int sig, int code, uint64_t addr)
{
	rt_proc *p = t->proc;
	/* Linux's force_sig_fault: a fault cannot be blocked or ignored. */
	if ((t->sigmask & BIT(sig)) || p->sigact[sig].handler == SIG_IGN_H) {
		t->sigmask &= ~BIT(sig);
		p->sigact[sig].handler = SIG_DFL_H;
	}
	rt_siginfo info = { .code = code, .addr = addr };
	rt_signal_thread_info(t, sig, &info);
	rt_signal_deliver(t);
}

/* Fill a guest siginfo_t (128 bytes) for sig. */
void rt_write_siginfo(uint8_t *si, int sig, const rt_siginfo *in)
{
	memset(si, 0, 128);
	int32_t head[3] = { sig, 0, in->code };
	memcpy(si, head, sizeof head);
	switch (sig) {
	case SIG_SEGV: case SIG_BUS: case SIG_ILL: case SIG_TRAP: case SIG_FPE:
		if (in->code > 0) { /* a real fault, not a kill() of that number */
			memcpy(si + 16, &in->addr, 8);
			break;
		}
		/* fall through */
	default:
		memcpy(si + 16, &in->pid, 4);
		memcpy(si + 20, &in->uid, 4);
		if (sig == SIG_CHLD)
			memcpy(si + 24, &in->status, 4);
		else if (in->code < 0 || sig >= RT_SIGRTMIN)
			memcpy(si + 24, &in->value, 8); /* si_value */
		break;
	}
}

/* riscv64 struct rt_sigframe: siginfo (128) then ucontext (960):
 * uc_flags @0, uc_link @8, uc_stack @16 (sp, flags, size), uc_sigmask @40,
 * uc_mcontext @176: pc, x1..x31 (256 bytes), then the FP state: f[32],
 * fcsr (the D layout of the 528-byte union). */
enum {
	FRAME_UC = 128,
	UC_STACK = 16,
	UC_SIGMASK = 40,
	UC_MCONTEXT = 176,
	MC_FP = 256,
	FRAME_SIZE = 128 + 960,
};

static void frame_save(uint8_t *uc, const rt_thread *t, uint64_t oldmask)
{
	const rv_cpu *c = &t->cpu;
	uint64_t stk[3] = { t->altstack.sp, (uint64_t)t->altstack.flags,
			    t->altstack.size };
	memcpy(uc + UC_STACK, stk, sizeof stk);
	memcpy(uc + UC_SIGMASK, &oldmask, 8);
	uint8_t *mc = uc + UC_MCONTEXT;
	memcpy(mc, &c->pc, 8);
	memcpy(mc + 8, &c->x[1], 31 * 8);
	memcpy(mc + MC_FP, c->f, 32 * 8);
	memcpy(mc + MC_FP + 256, &c->fcsr, 4);
}

static int on_altstack(const rt_thread *t, uint64_t sp)
{
	return t->altstack.size && sp - t->altstack.sp < t->altstack.size;
}

/* The wait status has WCOREDUMP (0x80) only when a core file was written:
 * never here (the container default RLIMIT_CORE is 0 too), so "core" and
 * "terminate" end a process alike. */
static void kill_proc(rt_proc *p, int sig)
{
	rt_proc_exit(p, sig);
}

int rt_signal_deliver(rt_thread *t)
{
	rt_proc *p = t->proc;
	int sig = rt_signal_next(t);
	if (!sig)
		return 0;
	rt_siginfo info;
	rt_signal_dequeue(t, BIT(sig), &info);
	rt_sigaction_k *act = &p->sigact[sig];
	/* After rt_sigsuspend the mask to return to is the saved one. */
	uint64_t oldmask = t->has_saved_sigmask ? t->saved_sigmask : t->sigmask;
	int handled = act->handler != SIG_IGN_H && act->handler != SIG_DFL_H &&
		      sig != SIG_KILL && sig != SIG_STOP;
	if (!handled && t->has_saved_sigmask) {
		t->sigmask = t->saved_sigmask;
		t->has_saved_sigmask = 0;
	}
	if (act->handler == SIG_IGN_H && sig != SIG_KILL && sig != SIG_STOP)
		return 1;
	if (act->handler == SIG_DFL_H || sig == SIG_KILL || sig == SIG_STOP) {
		switch (default_action(sig)) {
		case DFL_IGN:
		case DFL_CONT:
		case DFL_STOP: /* no job control yet: a stop is not acted on */
			return 1;
		case DFL_TERM:
		case DFL_CORE:
			kill_proc(p, sig);
			return 1;
		}
	}

	/* A handler: build the frame on the current stack or the altstack. */
	rv_cpu *c = &t->cpu;
	uint64_t sp = c->x[2];
	if ((act->flags & SA_ONSTACK_F) && t->altstack.size &&
	    !(t->altstack.flags & SS_DISABLE_F) && !on_altstack(t, sp))
		sp = t->altstack.sp + t->altstack.size;
	uint64_t frame = (sp - FRAME_SIZE) & ~15ULL;
	uint8_t *f = mem_check(p->mem, frame, FRAME_SIZE, MEM_R | MEM_W);
	if (!f) { /* no room for the frame: Linux kills with SIGSEGV */
		kill_proc(p, SIG_SEGV);
		return 1;
	}
	rt_write_siginfo(f, sig, &info);
	memset(f + FRAME_UC, 0, 960);
	frame_save(f + FRAME_UC, t, oldmask);
	t->has_saved_sigmask = 0;

	t->sigmask |= act->mask;
	if (!(act->flags & SA_NODEFER_F))
		t->sigmask |= BIT(sig);
	t->sigmask &= ~SIG_UNBLOCKABLE;
	uint64_t handler = act->handler;
	if (act->flags & SA_RESETHAND_F)
		act->handler = SIG_DFL_H;
	c->lr_addr = RV_NO_RESERVATION;
	c->x[1] = p->sigreturn_tramp;
	c->x[2] = frame;
	c->x[10] = (uint64_t)sig;
	c->x[11] = frame;
	c->x[12] = frame + FRAME_UC;
	c->pc = handler;
	return 1;
}

int64_t sys_rt_sigreturn(rt_thread *t, const uint64_t a[6])
{
	(void)a;
	rt_proc *p = t->proc;
	rv_cpu *c = &t->cpu;
	uint64_t frame = c->x[2];
	const uint8_t *f = mem_check(p->mem, frame, FRAME_SIZE, MEM_R);
	if (!f) {
		rt_signal_fault(t, SIG_SEGV, SEGV_MAPERR_CODE, frame);
		return 0;
	}
	const uint8_t *uc = f + FRAME_UC, *mc = uc + UC_MCONTEXT;
	uint64_t mask;
	memcpy(&mask, uc + UC_SIGMASK, 8);
	t->sigmask = mask & ~SIG_UNBLOCKABLE;
	memcpy(&c->pc, mc, 8);
	memcpy(&c->x[1], mc + 8, 31 * 8);
	memcpy(c->f, mc + MC_FP, 32 * 8);
	memcpy(&c->fcsr, mc + MC_FP + 256, 4);
	c->fcsr &= 0xff;
	c->lr_addr = RV_NO_RESERVATION;
	return (long)c->x[10];
}

int rt_signal_pending_action(rt_thread *t)
{
	int sig;
	while ((sig = rt_signal_next(t)) && ignored(t->proc, sig)) {
		rt_signal_discard(&t->sig, sig);
		rt_signal_discard(&t->proc->sig, sig);
	}
	return sig;
}
