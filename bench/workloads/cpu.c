// SPDX-License-Identifier: MIT
/* CPU-bound with almost no syscalls: the case where a tracer should cost nothing but its start.
 * The result is printed so the compiler cannot drop the loop.
 *   cpu [MILLIONS]    (default 400 million iterations) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
        long millions = argc > 1 ? atol(argv[1]) : 400;
        uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;
        for (long i = 0; i < millions * 1000000; i++) {
                /* xorshift64: a dependency chain the CPU cannot skip or vectorise */
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                acc += x >> 60;
        }
        printf("%llu\n", (unsigned long long)acc);
        return 0;
}
