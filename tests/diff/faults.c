/* Synchronous faults caught by handlers: SIGSEGV for NULL and small-address
 * loads and stores, a store into read-only data, and a jump to an
 * unmapped address (handler siglongjmps out, printing si_code and si_addr);
 * SIGILL for an all-zero word (two 16-bit c.unimp halves, so two faults),
 * c.unimp and a write to a read-only
 * CSR; SIGTRAP for ebreak; SIGBUS for a misaligned atomic.  Where the
 * handler resumes execution it does so by advancing the pc in the
 * ucontext, which tests that sigreturn restores the modified context. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static sigjmp_buf jb;
static volatile int got_sig, got_code, resumed;
static volatile uintptr_t got_addr, got_pc;

static void longjmp_handler(int sig, siginfo_t *si, void *uc)
{
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    got_pc = ((ucontext_t *)uc)->uc_mcontext.__gregs[0];
    siglongjmp(jb, 1);
}

/* Skips the faulting instruction (2 or 4 bytes, read from memory). */
static void skip_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    uintptr_t pc = uc->uc_mcontext.__gregs[0];
    got_pc = pc;
    uint16_t lo;
    memcpy(&lo, (void *)pc, 2);
    uc->uc_mcontext.__gregs[0] = pc + ((lo & 3) == 3 ? 4 : 2);
    resumed++;
}

static void install(int sig, void (*h)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(sig, &sa, NULL);
}

static const char *signame(int s)
{
    return s == SIGSEGV ? "SIGSEGV" : s == SIGILL ? "SIGILL" : s == SIGTRAP ? "SIGTRAP"
         : s == SIGBUS ? "SIGBUS" : "other";
}

static volatile uintptr_t addrs[] = {0, 8, 4096, 0x10000 - 8};
static const char rodata[16] = "read only";
typedef void (*fnptr)(void);

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    install(SIGSEGV, longjmp_handler);
    install(SIGBUS, longjmp_handler);

    for (unsigned i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        for (int write = 0; write < 2; write++) {
            got_sig = 0;
            if (sigsetjmp(jb, 1) == 0) {
                volatile int *p = (volatile int *)addrs[i];
                if (write) *p = 1;
                else (void)*p;
                printf("access %#lx: no fault?!\n", (unsigned long)addrs[i]);
            } else {
                printf("%s %#lx: %s code %d si_addr %#lx\n", write ? "store" : "load",
                       (unsigned long)addrs[i], signame(got_sig), got_code,
                       (unsigned long)got_addr);
            }
        }
    }
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile char *)&rodata[3] = 'X';
        printf("rodata store: no fault?!\n");
    } else {
        printf("rodata store: %s code %d si_addr is the byte %d\n", signame(got_sig), got_code,
               got_addr == (uintptr_t)&rodata[3]);
    }
    if (sigsetjmp(jb, 1) == 0) {
        fnptr f = (fnptr)(uintptr_t)0x40;
        f();
        printf("call 0x40: returned?!\n");
    } else {
        printf("call 0x40: %s code %d si_addr %#lx pc %#lx\n", signame(got_sig), got_code,
               (unsigned long)got_addr, (unsigned long)got_pc);
    }
    /* the mask was restored by siglongjmp(…, savemask=1): faults keep working */
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("SIGSEGV blocked after siglongjmp: %d\n", sigismember(&cur, SIGSEGV));

    /* misaligned atomic: Linux cannot emulate it */
    static uint64_t words[4];
    if (sigsetjmp(jb, 1) == 0) {
        long old;
        volatile uintptr_t mis = (uintptr_t)words + 2;
        __asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(mis), "r"(1L) : "memory");
        printf("misaligned amoadd.w: no fault\n");
    } else {
        printf("misaligned amoadd.w: %s code %d si_addr is the operand %d\n", signame(got_sig),
               got_code, got_addr == (uintptr_t)words + 2);
    }

    /* illegal instructions and breakpoints, skipped in the handler */
    install(SIGILL, skip_handler);
    install(SIGTRAP, skip_handler);
    uintptr_t here;
    resumed = 0;
    __asm__ volatile("lla %0, 1f\n1: .4byte 0" : "=r"(here));
    printf("zero word: %s code %d si_addr==pc %d pc is the insn %d resumed %d\n",
           signame(got_sig), got_code, got_addr == got_pc, got_pc == here, resumed);
    __asm__ volatile("lla %0, 1f\n1: c.unimp" : "=r"(here));
    printf("c.unimp: %s code %d si_addr==pc %d pc is the insn %d resumed %d\n", signame(got_sig),
           got_code, got_addr == got_pc, got_pc == here, resumed);
    __asm__ volatile("lla %0, 1f\n1: csrw cycle, zero" : "=r"(here));
    printf("csrw cycle: %s code %d pc is the insn %d resumed %d\n", signame(got_sig), got_code,
           got_pc == here, resumed);
    __asm__ volatile(".option push\n.option norvc\nlla %0, 1f\n1: ebreak\n.option pop" : "=r"(here));
    printf("ebreak: %s code %d pc is the insn %d resumed %d\n", signame(got_sig), got_code,
           got_pc == here, resumed);
    __asm__ volatile("lla %0, 1f\n1: c.ebreak" : "=r"(here));
    printf("c.ebreak: %s code %d pc is the insn %d resumed %d\n", signame(got_sig), got_code,
           got_pc == here, resumed);
    /* registers survive the round trip through the handler */
    long a = 0x1111, b = 0x2222, c = 0x3333;
    __asm__ volatile(".4byte 0\n\taddi %0, %0, 1\n\taddi %1, %1, 2\n\taddi %2, %2, 3"
                     : "+r"(a), "+r"(b), "+r"(c));
    printf("after resume: %lx %lx %lx resumed %d\n", a, b, c, resumed);
    volatile double d = 1.5;
    double e = d;
    __asm__ volatile("c.unimp\n\tfadd.d %0, %0, %0" : "+f"(e));
    printf("fp after resume: %a\n", e);
    return 0;
}
