/* <string.h> and friends on buffers of many sizes and alignments (libc
 * uses word-at-a-time tricks that read past the terminator within a page):
 * memcpy, memmove overlapping both ways, memset, memcmp sign, memchr,
 * strlen, strcmp/strncmp, strchr/strrchr, strstr, strspn/strcspn,
 * strpbrk, strtok_r, strdup, strncpy padding, strcat, case functions. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static unsigned char buf[1024], ref[1024];

static uint32_t sum(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static void fill(void)
{
    for (int i = 0; i < 1024; i++) buf[i] = (unsigned char)(i * 7 + (i >> 4));
    memcpy(ref, buf, sizeof buf);
}

static void mem(void)
{
    static const size_t sizes[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 127, 255, 300};
    uint32_t acc = 0;
    for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t src = 0; src < 9; src++)
            for (size_t dst = 0; dst < 9; dst += 2) {
                size_t n = sizes[s];
                fill();
                memcpy(buf + 512 + dst, buf + src, n);
                acc = acc * 31 + sum(buf, sizeof buf);
                fill();
                memmove(buf + dst + 100, buf + src + 100 + 3, n); /* overlap, backwards src */
                acc = acc * 31 + sum(buf, sizeof buf);
                fill();
                memmove(buf + src + 103, buf + dst + 100, n); /* overlap, forwards */
                acc = acc * 31 + sum(buf, sizeof buf);
                fill();
                memset(buf + dst + 1, (int)(n & 0xff), n);
                acc = acc * 31 + sum(buf, sizeof buf);
            }
    printf("mem checksum %08x\n", acc);

    fill();
    unsigned char a[40], b[40];
    memcpy(a, ref, 40);
    memcpy(b, ref, 40);
    b[37] = 0xff;
    a[37] = 0x01;
    printf("memcmp %d %d %d %d\n", memcmp(a, b, 40) < 0, memcmp(b, a, 40) > 0, memcmp(a, b, 37),
           memcmp("\x80", "\x7f", 1) > 0);
    printf("memchr %td %p memrchr %td\n", (unsigned char *)memchr(ref, ref[200], 1024) - ref,
           memchr(ref, 0x100 + ref[3], 3), (unsigned char *)memrchr(ref, ref[5], 1024) - ref);
    printf("bcmp %d bzero-then %d\n", bcmp(a, a, 40), (bzero(a, 40), a[39]));
}

static void str(void)
{
    char s[300];
    for (int len = 0; len < 70; len += 3) {
        for (int off = 0; off < 8; off += 3) {
            memset(s, 'x', sizeof s);
            memset(s + off, 'a', (size_t)len);
            s[off + len] = 0;
            printf("%zu%s", strlen(s + off), off == 6 ? (len % 30 == 27 ? "\n" : " ") : ",");
        }
    }
    putchar('\n');
    const char *words[] = {"", "a", "ab", "abc", "abd", "abcd", "B", "b", "\xc3\xa9", "zz"};
    for (int i = 0; i < 10; i++) {
        printf("cmp %-4s:", words[i]);
        for (int j = 0; j < 10; j++) {
            int c = strcmp(words[i], words[j]), n = strncmp(words[i], words[j], 2);
            int ci = strcasecmp(words[i], words[j]);
            printf(" %c%c%c", c < 0 ? '<' : c > 0 ? '>' : '=', n < 0 ? '<' : n > 0 ? '>' : '=',
                   ci < 0 ? '<' : ci > 0 ? '>' : '=');
        }
        putchar('\n');
    }
    const char *hay = "the quick brown fox jumps over the lazy dog; the end";
    const char *needles[] = {"the", "fox", "dog;", "", "end", "ends", "e l", "quick brown fox j",
                             "z"};
    for (int i = 0; i < 9; i++) {
        const char *p = strstr(hay, needles[i]);
        printf("strstr(%s)=%td ", needles[i], p ? p - hay : -1);
    }
    putchar('\n');
    printf("strchr %td strrchr %td strchr0 %td strspn %zu strcspn %zu strpbrk %s\n",
           strchr(hay, 'q') - hay, strrchr(hay, 't') - hay, strchr(hay, 0) - hay,
           strspn(hay, "the "), strcspn(hay, "xyz"), strpbrk(hay, "jz"));
    char toks[] = "  alpha,beta;;gamma , delta,,";
    char *save = NULL;
    for (char *t = strtok_r(toks, " ,;", &save); t; t = strtok_r(NULL, " ,;", &save))
        printf("tok[%s] ", t);
    putchar('\n');
    char *d = strdup(hay);
    char *nd = strndup(hay, 9);
    printf("strdup %s | strndup %s | %zu\n", d, nd, strnlen(hay, 10));
    free(d);
    free(nd);
    char pad[12];
    memset(pad, '#', sizeof pad);
    strncpy(pad, "abc", sizeof pad);
    for (int i = 0; i < 12; i++) printf("%02x", (unsigned char)pad[i]);
    char cat[64] = "one";
    strcat(cat, "+two");
    static const char *volatile more = "+three+four";
    strncat(cat, more, 6);
    printf(" strcat %s\n", cat);
    char up[] = "MiXeD 123 case!";
    for (char *p = up; *p; p++) *p = (char)(islower((unsigned char)*p) ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
    printf("swapcase %s isalpha %d isdigit %d isspace %d ispunct %d\n", up, !!isalpha('q'),
           !!isdigit('7'), !!isspace('\t'), !!ispunct('!'));
    char *sep = strdup("a:b::c");
    char *cur = sep, *field;
    while ((field = strsep(&cur, ":"))) printf("sep[%s]", field);
    putchar('\n');
    free(sep);
}

int main(void)
{
    mem();
    str();
    return 0;
}
