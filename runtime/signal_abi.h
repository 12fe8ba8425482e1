/* Linux signal numbers and flags as the riscv64 guest sees them. Named
 * apart from the host's <signal.h> so the two never mix. */
#ifndef SIGNAL_ABI_H
#define SIGNAL_ABI_H

enum {
	SIG_HUP = 1, SIG_INT, SIG_QUIT, SIG_ILL, SIG_TRAP, SIG_ABRT, SIG_BUS,
	SIG_FPE, SIG_KILL, SIG_USR1, SIG_SEGV, SIG_USR2, SIG_PIPE, SIG_ALRM,
	SIG_TERM, SIG_STKFLT, SIG_CHLD, SIG_CONT, SIG_STOP, SIG_TSTP, SIG_TTIN,
	SIG_TTOU, SIG_URG, SIG_XCPU, SIG_XFSZ, SIG_VTALRM, SIG_PROF, SIG_WINCH,
	SIG_IO, SIG_PWR, SIG_SYS,
};

/* SIGKILL and SIGSTOP: never blocked, caught or ignored. */
#define SIG_UNBLOCKABLE ((1ULL << (SIG_KILL - 1)) | (1ULL << (SIG_STOP - 1)))

#define SIG_DFL_H 0ULL
#define SIG_IGN_H 1ULL

/* sa_flags */
#define SA_NOCLDSTOP_F 0x00000001ULL
#define SA_NOCLDWAIT_F 0x00000002ULL
#define SA_SIGINFO_F 0x00000004ULL
#define SA_ONSTACK_F 0x08000000ULL
#define SA_RESTART_F 0x10000000ULL
#define SA_NODEFER_F 0x40000000ULL
#define SA_RESETHAND_F 0x80000000ULL

/* sigaltstack */
#define SS_ONSTACK_F 1
#define SS_DISABLE_F 2
#define MINSIGSTKSZ_RV 2048

/* sigprocmask how */
#define SIG_BLOCK_H 0
#define SIG_UNBLOCK_H 1
#define SIG_SETMASK_H 2

/* si_code values */
#define SI_USER_CODE 0
#define SI_KERNEL_CODE 0x80
#define SI_TKILL_CODE (-6)
#define SEGV_MAPERR_CODE 1
#define SEGV_ACCERR_CODE 2
#define BUS_ADRALN_CODE 1
#define BUS_ADRERR_CODE 2
#define ILL_ILLOPC_CODE 1
#define TRAP_BRKPT_CODE 1

#endif
