/* C11 <stdatomic.h> operations, and the A-extension instructions issued
 * directly: every AMO in .w and .d form (results sign-extended for .w),
 * and LR/SC reservations: success, SC to another address, SC without LR,
 * a second SC after a successful one. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic int ai = 5;
static _Atomic long al = -5;
static _Atomic unsigned long long aull = 0xffffffffffffffffULL;
static atomic_flag af = ATOMIC_FLAG_INIT;

#define AMO(insn, mem, val)                                                                \
    ({                                                                                     \
        long r_;                                                                           \
        __asm__ volatile(insn " %0, %2, %1" : "=r"(r_), "+A"(mem) : "r"(val) : "memory"); \
        r_;                                                                                \
    })

static void c11(void)
{
    printf("c11 add %d ", atomic_fetch_add(&ai, 10));
    printf("sub %d ", atomic_fetch_sub_explicit(&ai, 30, memory_order_relaxed));
    printf("or %d ", atomic_fetch_or(&ai, 0x100));
    printf("and %d ", atomic_fetch_and(&ai, 0xff0));
    printf("xor %d ", atomic_fetch_xor(&ai, -1));
    printf("load %d\n", atomic_load(&ai));
    atomic_store_explicit(&al, 1L << 40, memory_order_release);
    long exp = 1L << 40;
    _Bool ok1 = atomic_compare_exchange_strong(&al, &exp, -1L);
    _Bool ok2 = atomic_compare_exchange_strong(&al, &exp, 3L);
    printf("c11 cas %d %d exp %ld val %ld\n", ok1, ok2, exp, atomic_load(&al));
    long e2 = -1;
    while (!atomic_compare_exchange_weak_explicit(&al, &e2, 99, memory_order_acq_rel,
                                                  memory_order_relaxed))
        ;
    printf("c11 weak val %ld xchg %ld val %ld\n", atomic_load(&al), atomic_exchange(&al, -7),
           atomic_load_explicit(&al, memory_order_acquire));
    printf("c11 ull %llx ", atomic_fetch_add(&aull, 2));
    printf("%llx\n", atomic_load(&aull));
    printf("c11 flag %d %d ", atomic_flag_test_and_set(&af), atomic_flag_test_and_set(&af));
    atomic_flag_clear(&af);
    printf("%d lockfree int %d long %d\n", atomic_flag_test_and_set(&af),
           atomic_is_lock_free(&ai), atomic_is_lock_free(&al));
    atomic_thread_fence(memory_order_seq_cst);
    atomic_signal_fence(memory_order_seq_cst);
}

static void amos(void)
{
    static const long vals[] = {0, 1, -1, 0x7fffffff, (long)0x80000000UL, 0x123456789L,
                                (long)0x8000000000000000UL, 0x7fffffffffffffffL, -2};
    const int n = sizeof vals / sizeof vals[0];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j += 2) {
            int32_t w;
            int64_t d;
            printf("amo %lx %lx:", vals[i], vals[j]);
#define W(insn) (w = (int32_t)vals[i], AMO(insn, w, vals[j]))
#define D(insn) (d = vals[i], AMO(insn, d, vals[j]))
            long r;
            r = W("amoswap.w"); printf(" swapw %lx/%x", r, w);
            r = W("amoadd.w"); printf(" addw %lx/%x", r, w);
            r = W("amoand.w"); printf(" andw %lx/%x", r, w);
            r = W("amoor.w.aq"); printf(" orw %lx/%x", r, w);
            r = W("amoxor.w.rl"); printf(" xorw %lx/%x", r, w);
            r = W("amomin.w"); printf(" minw %lx/%x", r, w);
            r = W("amomax.w"); printf(" maxw %lx/%x", r, w);
            r = W("amominu.w"); printf(" minuw %lx/%x", r, w);
            r = W("amomaxu.w.aqrl"); printf(" maxuw %lx/%x", r, w);
            r = D("amoswap.d"); printf(" swapd %lx/%lx", r, (long)d);
            r = D("amoadd.d"); printf(" addd %lx/%lx", r, (long)d);
            r = D("amoand.d"); printf(" andd %lx/%lx", r, (long)d);
            r = D("amoor.d"); printf(" ord %lx/%lx", r, (long)d);
            r = D("amoxor.d"); printf(" xord %lx/%lx", r, (long)d);
            r = D("amomin.d"); printf(" mind %lx/%lx", r, (long)d);
            r = D("amomax.d"); printf(" maxd %lx/%lx", r, (long)d);
            r = D("amominu.d"); printf(" minud %lx/%lx", r, (long)d);
            r = D("amomaxu.d"); printf(" maxud %lx/%lx", r, (long)d);
            putchar('\n');
#undef W
#undef D
        }
}

static void lrsc(void)
{
    static int64_t m1 = 100, m2 = 200;
    static int32_t w1 = -8;
    long v, t, fail1, fail2, fail3, fail4;
    /* LR then SC to the same address: succeeds (retry if it fails spuriously) */
    do {
        __asm__ volatile("lr.d %0, (%3)\n\taddi %2, %0, 1\n\tsc.d %1, %2, (%3)"
                         : "=&r"(v), "=&r"(fail1), "=&r"(t)
                         : "r"(&m1)
                         : "memory");
    } while (fail1);
    /* a second SC with no new LR: fails, memory unchanged */
    __asm__ volatile("sc.d %0, %1, (%2)" : "=&r"(fail2) : "r"(-1L), "r"(&m1) : "memory");
    /* LR one address, SC another: fails */
    __asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%4)"
                     : "=&r"(v), "=&r"(fail3)
                     : "r"(&m1), "r"(555L), "r"(&m2)
                     : "memory");
    /* word LR/SC: loaded value sign-extended */
    long wv;
    do {
        __asm__ volatile("lr.w.aq %0, (%2)\n\tsc.w.rl %1, %3, (%2)"
                         : "=&r"(wv), "=&r"(fail4)
                         : "r"(&w1), "r"(77L)
                         : "memory");
    } while (fail4);
    printf("lrsc: loaded %ld m1=%lld sc2 %s m2=%lld sc3 %s w1 loaded %ld now %d\n", v, (long long)m1,
           fail2 ? "failed" : "succeeded", (long long)m2, fail3 ? "failed" : "succeeded", wv, w1);
    /* a CAS built from LR/SC */
    int64_t cnt = 0;
    for (int i = 0; i < 1000; i++) {
        long old, f;
        do {
            __asm__ volatile("lr.d.aqrl %0, (%2)\n\tadd %0, %0, %3\n\tsc.d.aqrl %1, %0, (%2)"
                             : "=&r"(old), "=&r"(f)
                             : "r"(&cnt), "r"((long)i)
                             : "memory");
        } while (f);
    }
    printf("lrsc loop %lld\n", (long long)cnt);
}

int main(void)
{
    c11();
    amos();
    lrsc();
    return 0;
}
