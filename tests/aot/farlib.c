/* tests/aot/farcache.c's libraries: libfar_a.so (VALUE 1, compiled) and
 * libfar_b.so (VALUE 2, interpreted), the same code but for it. */
long value(long x)
{
	return x * 3 + VALUE;
}
