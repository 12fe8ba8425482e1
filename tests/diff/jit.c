/* Code generated at run time: instructions written into an mmap'd buffer,
 * made executable (mprotect), synchronised with fence.i
 * (__builtin___clear_cache) and called; then the same buffer is rewritten
 * and called again, which must run the new code, not a cached
 * translation.  Also a small generated loop with compressed
 * instructions, and a call back from generated code into compiled code. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef long (*fn0)(void);
typedef long (*fn2)(long, long);

/* li a0, imm (12-bit) ; ret */
static void emit_li_ret(uint32_t *p, int imm)
{
    p[0] = ((uint32_t)(imm & 0xfff) << 20) | (10u << 7) | 0x13; /* addi a0, zero, imm */
    p[1] = 0x00008067;                                          /* jalr zero, 0(ra) */
}

static void sync_code(void *p, size_t n)
{
    __builtin___clear_cache((char *)p, (char *)p + n);
}

__attribute__((noinline)) static long host_helper(long x) { return x * 1000 + 7; }

int main(void)
{
    size_t sz = 4096;
    uint32_t *code = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    emit_li_ret(code, 42);
    mprotect(code, sz, PROT_READ | PROT_EXEC);
    sync_code(code, 8);
    printf("generated returns %ld\n", ((fn0)code)());

    /* rewrite in place (RWX) several times */
    mprotect(code, sz, PROT_READ | PROT_WRITE | PROT_EXEC);
    for (int v = -3; v <= 3; v++) {
        emit_li_ret(code, v * 100);
        sync_code(code, 8);
        printf("rewritten returns %ld\n", ((fn0)code)());
    }

    /* a loop: a0 = sum of a0..a1-1, using compressed instructions
     *   0: li  t0, 0          (c.li t0, 0)
     *   2: bge a0, a1, done   (32-bit)
     *   6: add t0, t0, a0     (c.add t0, a0)
     *   8: addi a0, a0, 1     (c.addi a0, 1)
     *  10: j 2                (c.j -8)
     *  12: mv a0, t0          (c.mv a0, t0)
     *  14: ret                (c.jr ra)       */
    uint16_t *h = (uint16_t *)(code + 64);
    h[0] = 0x4281;                  /* c.li t0, 0 */
    uint32_t bge = 0x00b55563;      /* bge a0, a1, +10 */
    memcpy(&h[1], &bge, 4);
    h[3] = 0x92aa;                  /* c.add t0, a0 */
    h[4] = 0x0505;                  /* c.addi a0, 1 */
    h[5] = 0xbfe5;                  /* c.j -8 */
    h[6] = 0x8516;                  /* c.mv a0, t0 */
    h[7] = 0x8082;                  /* c.jr ra */
    sync_code(h, 16);
    fn2 sum = (fn2)(void *)h;
    printf("generated loop: %ld %ld %ld\n", sum(0, 10), sum(5, 6), sum(-100, 101));

    /* generated code calling back into compiled code:
     *   addi sp, sp, -16 ; sd ra, 8(sp) ; jalr ra, 0(a1) ; ld ra, 8(sp) ;
     *   addi sp, sp, 16 ; addi a0, a0, 1 ; ret                              */
    uint32_t *c2 = code + 128;
    c2[0] = 0xff010113; /* addi sp, sp, -16 */
    c2[1] = 0x00113423; /* sd ra, 8(sp) */
    c2[2] = 0x000580e7; /* jalr ra, 0(a1) */
    c2[3] = 0x00813083; /* ld ra, 8(sp) */
    c2[4] = 0x01010113; /* addi sp, sp, 16 */
    c2[5] = 0x00150513; /* addi a0, a0, 1 */
    c2[6] = 0x00008067; /* ret */
    sync_code(c2, 28);
    printf("callback: %ld\n", ((fn2)(void *)c2)(5, (long)(uintptr_t)host_helper));

    /* patch one instruction inside the loop body and re-run */
    h[4] = 0x0509; /* c.addi a0, 2 */
    sync_code(h, 16);
    printf("patched loop: %ld\n", sum(0, 10));
    munmap(code, sz);
    return 0;
}
