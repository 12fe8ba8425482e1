/* Allocator stress: many sizes from 0 to several MB (small bins, mmap'd
 * chunks), realloc growing and shrinking with content checks, calloc
 * zeroing, frees in scrambled order, aligned_alloc/posix_memalign, and
 * brk/mmap interplay.  Only properties are printed (contents, alignment),
 * never addresses. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 12345;
static uint32_t next(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng >> 33);
}

#define SLOTS 512
static unsigned char *slot[SLOTS];
static size_t len[SLOTS];

static void stamp(unsigned char *p, size_t n, unsigned tag)
{
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(tag + i * 13);
}
static int check(const unsigned char *p, size_t n, unsigned tag)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(tag + i * 13)) return 0;
    return 1;
}

int main(void)
{
    unsigned long bad = 0, misaligned = 0, ops = 0;
    for (int round = 0; round < 40000; round++) {
        unsigned i = next() % SLOTS;
        if (slot[i]) {
            if (!check(slot[i], len[i], i)) bad++;
            if (next() % 3 == 0) {
                size_t nl = next() % 3 == 0 ? next() % 70000 : next() % 600;
                unsigned char *q = realloc(slot[i], nl ? nl : 1);
                if (!q) { bad++; continue; }
                size_t keep = nl < len[i] ? nl : len[i];
                if (!check(q, keep, i)) bad++;
                stamp(q, nl, i);
                slot[i] = q;
                len[i] = nl;
            } else {
                free(slot[i]);
                slot[i] = NULL;
            }
        } else {
            size_t n;
            switch (next() % 8) {
            case 0: n = 0; break;
            case 1: n = next() % 16; break;
            case 2: n = 1u << (next() % 18); break;
            case 3: n = next() % 200000; break;
            default: n = next() % 1024; break;
            }
            unsigned char *p = (next() & 1) ? malloc(n) : calloc(1, n);
            if (!p && n) { bad++; continue; }
            if (((uintptr_t)p & 15) != 0) misaligned++;
            stamp(p, n, i);
            slot[i] = p;
            len[i] = n;
        }
        ops++;
    }
    for (unsigned i = 0; i < SLOTS; i++) {
        if (slot[i] && !check(slot[i], len[i], i)) bad++;
        free(slot[i]);
    }
    printf("random ops %lu bad %lu misaligned %lu\n", ops, bad, misaligned);

    /* calloc must zero, even memory just freed dirty */
    for (size_t n = 1; n <= (1u << 22); n <<= 3) {
        unsigned char *d = malloc(n);
        memset(d, 0xa5, n);
        free(d);
        unsigned char *z = calloc(n, 1);
        size_t nz = 0;
        for (size_t k = 0; k < n; k++) nz += z[k] != 0;
        printf("calloc %zu nonzero %zu\n", n, nz);
        free(z);
    }
    /* large blocks: touch every page */
    for (size_t mb = 1; mb <= 32; mb *= 2) {
        size_t n = mb << 20;
        unsigned char *p = malloc(n);
        for (size_t k = 0; k < n; k += 4096) p[k] = (unsigned char)(k >> 12);
        unsigned long s = 0;
        for (size_t k = 0; k < n; k += 4096) s += p[k];
        p = realloc(p, n * 2);
        for (size_t k = 0; k < n; k += 4096) s -= p[k];
        printf("big %zuMB ok %d\n", mb, s == 0);
        free(p);
    }
    /* aligned allocation */
    for (size_t al = 16; al <= 65536; al *= 4) {
        void *p = NULL;
        int r = posix_memalign(&p, al, 1000);
        void *q = aligned_alloc(al, al * 3);
        printf("align %zu: r=%d %d %d\n", al, r, ((uintptr_t)p % al) == 0, ((uintptr_t)q % al) == 0);
        free(p);
        free(q);
    }
    /* a linked list of 100k nodes */
    struct node { struct node *next; long v; } *head = NULL;
    for (long k = 0; k < 100000; k++) {
        struct node *nd = malloc(sizeof *nd);
        nd->v = k * k;
        nd->next = head;
        head = nd;
    }
    long total = 0;
    while (head) {
        struct node *nx = head->next;
        total += head->v % 1000;
        free(head);
        head = nx;
    }
    printf("list total %ld\n", total);
    return 0;
}
