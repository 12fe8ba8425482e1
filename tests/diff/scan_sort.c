/* Parsing and sorting: sscanf with many conversions, strtol/strtoul with
 * bases and overflow (errno), strtod on hard decimal inputs (correct
 * rounding), atoi, qsort of ints, strings and structs (stable key via a
 * tie-break), bsearch, and a PRNG-driven shuffle so sizes vary. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void scans(void)
{
    int a = 0, b = 0, n = 0;
    unsigned u = 0;
    long l = 0;
    double d = 0;
    float f = 0;
    char w[32] = "", c = 0, set[32] = "";
    int r = sscanf("  42 -17 0x1f 077 3.25e2 -1.5 word Z abc123", "%d %i %x %lo %lf %f %31s %c %[a-z]%n",
                   &a, &b, &u, &l, &d, &f, w, &c, set, &n);
    printf("sscanf r=%d a=%d b=%d u=%u l=%ld d=%g f=%g w=%s c=%c set=%s n=%d\n", r, a, b, u, l, d,
           (double)f, w, c, set, n);
    r = sscanf("12abc", "%d%d", &a, &b);
    printf("sscanf partial r=%d a=%d\n", r, a);
    r = sscanf("", "%d", &a);
    printf("sscanf empty r=%d\n", r);
    int h, m, s;
    r = sscanf("23:59:07", "%2d:%2d:%2d", &h, &m, &s);
    printf("time r=%d %02d-%02d-%02d\n", r, h, m, s);
    long long big;
    r = sscanf("-9223372036854775808", "%lld", &big);
    printf("lld r=%d %lld\n", r, big);
}

static void strto(void)
{
    const char *in[] = {"0", "123", "-123", "+7", "0x7fffffffffffffff", "0x8000000000000000",
                        "-9223372036854775809", "99999999999999999999", "  42xyz", "0b101",
                        "z", "077", "-0", "18446744073709551615", "18446744073709551616"};
    for (unsigned i = 0; i < sizeof in / sizeof in[0]; i++) {
        char *end;
        errno = 0;
        long v = strtol(in[i], &end, 0);
        int e1 = errno;
        errno = 0;
        unsigned long uv = strtoul(in[i], NULL, 0);
        int e2 = errno;
        errno = 0;
        long v36 = strtol(in[i], NULL, 36);
        int e3 = errno;
        printf("strtol(%s)=%ld end+%td e%d strtoul=%lu e%d base36=%ld e%d atoi=%d\n", in[i], v,
               end - in[i], e1, uv, e2, v36, e3, atoi(in[i]));
    }
    const char *dn[] = {"0.1", "1e23", "2.2250738585072011e-308", "2.2250738585072014e-308",
                        "4.9406564584124654e-324", "2.4703282292062327e-324",
                        "2.4703282292062328e-324", "1.7976931348623157e308", "1.8e308",
                        "-0", "inf", "-Infinity", "nan", "0x1.8p1", "1e-400", "  .5e1x",
                        "9007199254740993", "123456789012345678901234567890", "1.00000000000000011102230246251565404236316680908203125",
                        "3.14159265358979323846264338327950288419716939937510"};
    for (unsigned i = 0; i < sizeof dn / sizeof dn[0]; i++) {
        char *end;
        errno = 0;
        double v = strtod(dn[i], &end);
        int e = errno;
        errno = 0;
        float fv = strtof(dn[i], NULL);
        printf("strtod(%s)=%a end+%td e%d strtof=%a e%d\n", dn[i], v, end - dn[i], e, (double)fv,
               errno);
    }
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
struct rec { int key; int seq; char name[8]; };
static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->seq - y->seq;
}

static void sorts(void)
{
    static const int sizes[] = {0, 1, 2, 3, 5, 10, 33, 100, 1000, 20000};
    for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int n = sizes[k];
        int *v = malloc(sizeof(int) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) v[i] = (int)(next() % 2001) - 1000;
        qsort(v, (size_t)n, sizeof(int), cmp_int);
        int ok = 1;
        uint64_t h = 0;
        for (int i = 0; i < n; i++) {
            if (i && v[i - 1] > v[i]) ok = 0;
            h = h * 1000003 + (uint64_t)(v[i] + 1000);
        }
        int key = n ? v[n / 2] : 0;
        int *found = n ? bsearch(&key, v, (size_t)n, sizeof(int), cmp_int) : NULL;
        int missing = 5000;
        printf("qsort n=%d sorted=%d hash=%016llx min=%d max=%d bsearch=%d miss=%p\n", n, ok,
               (unsigned long long)h, n ? v[0] : 0, n ? v[n - 1] : 0, found ? *found == key : -1,
               n ? bsearch(&missing, v, (size_t)n, sizeof(int), cmp_int) : NULL);
        free(v);
    }
    const char *names[] = {"pear", "apple", "fig", "banana", "cherry", "date", "apple2", "Zed",
                           "elder", "grape", "a", ""};
    qsort(names, 12, sizeof names[0], cmp_str);
    for (int i = 0; i < 12; i++) printf("%s%s", names[i], i == 11 ? "\n" : ",");
    struct rec recs[50];
    for (int i = 0; i < 50; i++) {
        recs[i].key = (int)(next() % 7);
        recs[i].seq = i;
        snprintf(recs[i].name, sizeof recs[i].name, "r%d", i);
    }
    qsort(recs, 50, sizeof recs[0], cmp_rec);
    for (int i = 0; i < 50; i++) printf("%d:%s%s", recs[i].key, recs[i].name, i % 10 == 9 ? "\n" : " ");
}

int main(void)
{
    scans();
    strto();
    sorts();
    return 0;
}
