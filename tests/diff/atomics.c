/* GCC __atomic builtins on 32/64-bit objects with every memory order,
 * compare-exchange success and failure paths, the sign extension of 32-bit
 * AMO results; 8/16-bit objects through the __sync builtins (masked LR/SC
 * loops in libgcc: GCC 12's __atomic ones would need libatomic). */
#include <stdint.h>
#include <stdio.h>

static int8_t a8 = 100;
static uint16_t a16 = 65000;
static int32_t a32 = 0x7ffffff0;
static int64_t a64 = 0x7ffffffffffffff0LL;
static uint32_t u32 = 0xfffffff0u;

int main(void)
{
    for (int i = 0; i < 5; i++) {
        int8_t o8 = __sync_fetch_and_add(&a8, 13);
        uint16_t o16 = __sync_fetch_and_add(&a16, 300);
        int32_t o32 = __atomic_fetch_add(&a32, 7, __ATOMIC_ACQ_REL);
        int64_t o64 = __atomic_fetch_add(&a64, 7, __ATOMIC_ACQUIRE);
        uint32_t ou = __atomic_fetch_add(&u32, 5, __ATOMIC_RELEASE);
        printf("fetch_add %d: %d %u %d %lld %u -> %d %u %d %lld %u\n", i, o8, o16, o32,
               (long long)o64, ou, a8, a16, a32, (long long)a64, u32);
    }
    int32_t x = 0x0f0f0f0f;
    int64_t y = 0x00ff00ff00ff00ffLL;
    printf("sub %d ", __atomic_fetch_sub(&x, 0x10000000, __ATOMIC_SEQ_CST));
    printf("and %x ", __atomic_fetch_and(&x, 0x7fff00ff, __ATOMIC_SEQ_CST));
    printf("or %x ", __atomic_fetch_or(&x, (int32_t)0x80000000, __ATOMIC_SEQ_CST));
    printf("xor %x ", __atomic_fetch_xor(&x, -1, __ATOMIC_SEQ_CST));
    printf("nand %x ", __atomic_fetch_nand(&x, 0x1234, __ATOMIC_SEQ_CST));
    printf("final %x\n", x);
    printf("64: sub %llx ", (long long)__atomic_fetch_sub(&y, 1, __ATOMIC_SEQ_CST));
    printf("and %llx ", (long long)__atomic_fetch_and(&y, 0xfff0fff0fff0fff0LL, __ATOMIC_SEQ_CST));
    printf("or %llx ", (long long)__atomic_fetch_or(&y, INT64_MIN, __ATOMIC_SEQ_CST));
    printf("xor %llx ", (long long)__atomic_fetch_xor(&y, 0x5555, __ATOMIC_SEQ_CST));
    printf("add_fetch %llx ", (long long)__atomic_add_fetch(&y, 0x10, __ATOMIC_SEQ_CST));
    printf("final %llx\n", (long long)y);

    /* exchange (16-bit: a CAS, libgcc has no 16-bit swap) */
    int32_t e32 = -5;
    int64_t e64 = 77;
    int16_t e16 = -300;
    printf("exchange: %d %lld %d", __atomic_exchange_n(&e32, INT32_MIN, __ATOMIC_SEQ_CST),
           (long long)__atomic_exchange_n(&e64, -1, __ATOMIC_SEQ_CST),
           __sync_val_compare_and_swap(&e16, -300, 12345));
    printf(" -> %d %lld %d\n", e32, (long long)e64, e16);

    /* compare-exchange: strong and weak, success and failure */
    int32_t c32 = 10, exp32 = 10;
    int ok = __atomic_compare_exchange_n(&c32, &exp32, 20, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    printf("cas32 ok=%d val=%d exp=%d\n", ok, c32, exp32);
    exp32 = 10;
    ok = __atomic_compare_exchange_n(&c32, &exp32, 30, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
    printf("cas32 ok=%d val=%d exp=%d\n", ok, c32, exp32);
    /* the expected value must be compared as a sign-extended 32-bit value */
    int32_t neg = -1, expneg = -1;
    ok = __atomic_compare_exchange_n(&neg, &expneg, 5, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    printf("cas32 negative ok=%d val=%d\n", ok, neg);
    int64_t c64 = INT64_MIN, exp64 = INT64_MIN;
    ok = __atomic_compare_exchange_n(&c64, &exp64, 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    while (!ok) /* weak may fail spuriously: retry */
        ok = __atomic_compare_exchange_n(&c64, &exp64, 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    printf("cas64 ok=%d val=%lld\n", ok, (long long)c64);
    uint8_t c8 = 200;
    uint8_t prev8 = __sync_val_compare_and_swap(&c8, 201, 1);
    printf("cas8 prev=%u val=%u ", prev8, c8);
    prev8 = __sync_val_compare_and_swap(&c8, 200, 255);
    printf("prev=%u val=%u bool=%d val=%u\n", prev8, c8, __sync_bool_compare_and_swap(&c8, 255, 7), c8);

    /* CAS loop implementing an arbitrary update (x = x*3+1 mod 2^64) */
    uint64_t acc = 1;
    for (int i = 0; i < 50; i++) {
        uint64_t old = __atomic_load_n(&acc, __ATOMIC_RELAXED), nw;
        do
            nw = old * 3 + 1;
        while (!__atomic_compare_exchange_n(&acc, &old, nw, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
    }
    printf("cas loop %llx\n", (unsigned long long)acc);
    /* CAS loop on a 16-bit value: max */
    uint16_t m16 = 0;
    for (uint16_t v = 1; v < 60000; v = (uint16_t)(v * 7 + 3)) {
        uint16_t old = m16, seen;
        while (v > old && (seen = __sync_val_compare_and_swap(&m16, old, v)) != old)
            old = seen;
    }
    int16_t s16 = -1;
    printf("cas16 max %u sub16 %d and8 %d or16 %d\n", m16, __sync_sub_and_fetch(&s16, 32767),
           __sync_fetch_and_and(&a8, 0x0f), __sync_or_and_fetch(&s16, 0x00f0));

    /* test_and_set, clear, load/store, thread fence */
    unsigned char flag = 0;
    int t1 = __atomic_test_and_set(&flag, __ATOMIC_SEQ_CST);
    int t2 = __atomic_test_and_set(&flag, __ATOMIC_SEQ_CST);
    __atomic_clear(&flag, __ATOMIC_SEQ_CST);
    int t3 = __atomic_test_and_set(&flag, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    int64_t st = 0;
    __atomic_store_n(&st, -42, __ATOMIC_RELEASE);
    printf("tas %d %d %d load %lld lockfree %d %d\n", t1, t2, t3,
           (long long)__atomic_load_n(&st, __ATOMIC_ACQUIRE), __atomic_always_lock_free(8, 0),
           __atomic_is_lock_free(4, 0));
    return 0;
}
