// SPDX-License-Identifier: MIT
/* The example project's program: `demo --selftest` is its integration test. With DEMO_NET=1 in
 * the environment it also opens a socket, the kind of change a drift check exists to catch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        if (argc < 2 || strcmp(argv[1], "--selftest") != 0) {
                fprintf(stderr, "usage: demo --selftest\n");
                return 2;
        }
        const char *net = getenv("DEMO_NET");
        if (net && strcmp(net, "1") == 0) {
                int fd = socket(AF_INET, SOCK_DGRAM, 0);
                if (fd >= 0)
                        close(fd);
        }
        printf("demo: selftest passed\n");
        return 0;
}
