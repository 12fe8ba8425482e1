/* printf/snprintf formatting: integer conversions with flags, widths,
 * precisions and length modifiers, floating conversions (%e %f %g %a with
 * rounding of halfway cases, huge and tiny values, inf/nan), strings and
 * characters, %n, %%, positional arguments, snprintf truncation and
 * return values, and fputs/fwrite/putc through a buffered stream. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

static void ints(void)
{
    const long long v[] = {0, 1, -1, 42, -42, 255, 65535, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        long long x = v[i];
        printf("[%d] [%5d] [%-5d|] [%05d] [%+d] [% d] [%.3d] [%8.3d] [%-+8.3d|]\n", (int)x,
               (int)x, (int)x, (int)x, (int)x, (int)x, (int)x, (int)x, (int)x);
        printf("[%lld] [%llu] [%llx] [%#llx] [%llX] [%#llo] [%lo] [%#x] [%#o] [%.0d] [%.0x]\n",
               x, (unsigned long long)x, (unsigned long long)x, (unsigned long long)x,
               (unsigned long long)x, (unsigned long long)x, (unsigned long)x, (unsigned)x,
               (unsigned)x, (int)x, (unsigned)x);
        printf("[%hhd] [%hhu] [%hd] [%hu] [%zd] [%zu] [%jd] [%td] [%#10.4x] [%-#10o|]\n",
               (signed char)x, (unsigned char)x, (short)x, (unsigned short)x, (ssize_t)x,
               (size_t)x, (intmax_t)x, (ptrdiff_t)x, (unsigned)x, (unsigned)x);
    }
    printf("[%*d] [%-*d] [%.*d] [%*.*d]\n", 6, 12, 6, 12, 4, 12, -8, 3, 7);
    printf("[%2$s %1$s] [%3$*4$d]\n", "world", "hello", 99, 5);
}

static void floats(void)
{
    const double v[] = {0.0, -0.0, 1.0, -1.5, 0.1, 2.5, 3.5, 0.125, 1e-5, 123456.789, 1e21,
                        1.0 / 3, 2.0 / 3, 1e300, 1e-300, DBL_MAX, DBL_MIN, 4.9e-324,
                        9.999999999999999e22, 0.5e-6, 1234567.0, INFINITY, -INFINITY, NAN};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        double x = v[i];
        printf("[%f] [%.0f] [%.2f] [%10.3f] [%-10.1f|] [%+.3f] [%#.0f]\n", x, x, x, x, x, x, x);
        printf("[%e] [%.0e] [%.3E] [%12.4e] [%+e]\n", x, x, x, x, x);
        printf("[%g] [%.0g] [%.3g] [%#g] [%.17g] [%G] [%-12g|]\n", x, x, x, x, x, x, x);
        printf("[%a] [%.3a] [%A] [%.0a]\n", x, x, x, x);
    }
    /* halfway cases: round to even in the decimal conversion */
    printf("[%.0f %.0f %.0f %.0f] [%.1f %.1f %.1f] [%.2f %.2f]\n", 0.5, 1.5, 2.5, -2.5, 0.25,
           0.35, 0.45, 1.005, 2.675);
    printf("[%.20f] [%.30e] [%.40g]\n", 0.1, 1.0 / 3, 1e23);
    printf("[%Lf] [%Le] [%La] [%.25Lg]\n", (long double)1.1, (long double)1e-4000L,
           (long double)1.0L, 1.0L / 3);
    float f = 16777217.0f;
    printf("[%f] [%.10f]\n", f, (double)1.1f);
}

static void strs(void)
{
    printf("[%s] [%10s] [%-10s|] [%.3s] [%10.2s] [%c] [%5c] [%-3c|] [%%]\n", "hello", "hi", "hi",
           "truncate", "abc", 'x', 'y', 'z');
    printf("[%s]\n", "");
    int n1 = 0, n2 = 0;
    signed char hn = 0;
    printf("count%n this%hhn\n", &n1, &hn);
    printf("n1=%d hn=%d\n", n1, hn);
    printf("%5s%n\n", "ab", &n2);
    printf("n2=%d\n", n2);
    printf("[%p] [%p]\n", (void *)0, (void *)0x1234);
}

static void snp(void)
{
    char buf[16];
    for (size_t size = 0; size <= 16; size += 4) {
        memset(buf, '#', sizeof buf);
        int r = snprintf(buf, size, "abcdefghij%d", 12345);
        printf("snprintf size %zu -> %d [", size, r);
        for (int i = 0; i < 16; i++) putchar(buf[i] ? buf[i] : '0');
        printf("]\n");
    }
    char big[300];
    int r = snprintf(big, sizeof big, "%0*d|%-*s|", 100, 7, 150, "pad");
    printf("big %d %zu %.10s...%s\n", r, strlen(big), big, big + 250);
    r = snprintf(NULL, 0, "%s %d %f", "measure", 123, 1.5);
    printf("measure only: %d\n", r);
}

static void streams(void)
{
    fputs("fputs line\n", stdout);
    fwrite("fwrite 12345\n", 1, 13, stdout);
    putc('p', stdout);
    putchar('\n');
    fprintf(stderr, "to stderr %d\n", 1);
    fflush(stdout);
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("unbuffered now\n");
    fprintf(stderr, "to stderr %d\n", 2);
    for (int i = 0; i < 3; i++) printf("%d%s", i, i == 2 ? "\n" : ",");
    fputs("last line without newline", stdout);
}

int main(void)
{
    ints();
    floats();
    strs();
    snp();
    streams();
    return 0;
}
