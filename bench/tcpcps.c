// SPDX-License-Identifier: GPL-2.0
/*
 * tcpcps: TCP connections per second through a router, for make bench.
 *
 *   tcpcps server PORT          answer forever: read 64 bytes, send them
 *                               back, close
 *   tcpcps client ADDR PORT N   N connections one after the other
 *                               (connect, send 64 bytes, read them back,
 *                               close); prints "conns N ns T" and exits 1
 *                               at the first that fails
 *
 * Under qemu -icount with one vCPU the monotonic clock counts the
 * instructions of everything the guest does meanwhile: client, server and
 * the router between them, so T / N is instructions per connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG 64

static int full_io(int fd, char *buf, size_t len, int writing)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = writing ? write(fd, buf + done, len - done)
				    : read(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int server(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char buf[MSG];
	int one = 1, ls, fd;

	sa.sin_port = htons((unsigned short)port);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 ||
	    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ls, 128) < 0) {
		perror("tcpcps server");
		return 1;
	}
	for (;;) {
		fd = accept(ls, NULL, NULL);
		if (fd < 0)
			continue;
		if (!full_io(fd, buf, sizeof(buf), 0))
			full_io(fd, buf, sizeof(buf), 1);
		close(fd);
	}
}

static int client(const char *addr, int port, long n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timespec t0, t1;
	char out[MSG], in[MSG];
	long i;
	int fd;

	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "tcpcps: bad address %s\n", addr);
		return 2;
	}
	memset(out, 'k', sizeof(out));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    full_io(fd, out, sizeof(out), 1) ||
		    full_io(fd, in, sizeof(in), 0) || memcmp(in, out, sizeof(in))) {
			fprintf(stderr, "tcpcps: connection %ld: %s\n", i + 1,
				strerror(errno));
			return 1;
		}
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("conns %ld ns %lld\n", n,
	       (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL +
	       (t1.tv_nsec - t0.tv_nsec));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]), atol(argv[4]));
	fprintf(stderr, "usage: tcpcps server PORT | tcpcps client ADDR PORT N\n");
	return 2;
}
