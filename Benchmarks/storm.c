// A bounded storm of short TCP connections on 127.0.0.1, for benchmarking live capture.
//
//   storm [-p PORT] [-d SECONDS] [-r PER_SECOND] [-n MAX] [-c CLIENT_THREADS]
//
// It runs its own server (one thread: accept, read the request, answer, close) and
// CLIENT_THREADS clients, each doing connect, send 16 bytes, read the 16-byte answer, read
// the end of stream, close, as fast as it can or paced at PER_SECOND connections per second
// in total. It stops by itself after SECONDS (at most 120) or MAX connections, and prints
// how many connections were made and how fast. Traffic never leaves 127.0.0.1.
//
// Build: cc -O2 -pthread -o storm storm.c
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port = 4590;
static double seconds = 5;
static double rate = 0;
static long max_connections = 0;
static int clients = 1;

static atomic_long made;      // connections that completed the exchange
static atomic_long failed;    // connect or exchange failures
static atomic_long issued;    // connections started (bounded by max_connections)
static atomic_int stopping;
static struct timespec start;

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - start.tv_sec) + (double)(t.tv_nsec - start.tv_nsec) / 1e9;
}

static int listener;

static void *serve(void *unused) {
    (void)unused;
    char buffer[64];
    while (!atomic_load(&stopping)) {
        // poll with a timeout, so the server notices the end of the run even if idle.
        struct pollfd entry = {.fd = listener, .events = POLLIN};
        if (poll(&entry, 1, 100) <= 0) continue;
        int connection = accept(listener, NULL, NULL);
        if (connection < 0) continue;
        ssize_t got = recv(connection, buffer, sizeof buffer, 0);
        if (got > 0) (void)send(connection, buffer, (size_t)got, MSG_NOSIGNAL);
        close(connection);
    }
    return NULL;
}

static int exchange(const struct sockaddr_in *address) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct timeval timeout = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    int ok = -1;
    char request[16] = "storm-request-01";
    char reply[32];
    if (connect(fd, (const struct sockaddr *)address, sizeof *address) == 0 &&
        send(fd, request, sizeof request, MSG_NOSIGNAL) == (ssize_t)sizeof request) {
        size_t total = 0;
        ssize_t got;
        while ((got = recv(fd, reply + total, sizeof reply - total, 0)) > 0) total += (size_t)got;
        if (got == 0 && total == sizeof request) ok = 0;
    }
    close(fd);
    return ok;
}

static void *client(void *argument) {
    long index = (long)argument;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Paced: this thread's share of the rate, starting at an offset so threads interleave.
    double interval = rate > 0 ? (double)clients / rate : 0;
    double next = interval * (double)index / (double)clients;
    while (now_seconds() < seconds) {
        if (max_connections > 0 && atomic_fetch_add(&issued, 1) >= max_connections) break;
        if (interval > 0) {
            double wait = next - now_seconds();
            if (wait > 0) {
                struct timespec pause = {.tv_sec = (time_t)wait, .tv_nsec = (long)((wait - (double)(time_t)wait) * 1e9)};
                nanosleep(&pause, NULL);
            }
            next += interval;
        }
        if (exchange(&address) == 0) atomic_fetch_add(&made, 1); else atomic_fetch_add(&failed, 1);
    }
    return NULL;
}

int main(int argc, char **argv) {
    int option;
    while ((option = getopt(argc, argv, "p:d:r:n:c:")) != -1) {
        switch (option) {
        case 'p': port = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'r': rate = atof(optarg); break;
        case 'n': max_connections = atol(optarg); break;
        case 'c': clients = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: %s [-p PORT] [-d SECONDS] [-r PER_SECOND] [-n MAX] [-c CLIENT_THREADS]\n", argv[0]);
            return 2;
        }
    }
    if (seconds <= 0 || seconds > 120 || clients < 1 || clients > 64 || port < 1 || port > 65535) {
        fprintf(stderr, "storm: SECONDS must be in (0, 120], CLIENT_THREADS in 1...64, PORT in 1...65535\n");
        return 2;
    }
    listener = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 4096) != 0) {
        fprintf(stderr, "storm: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t server;
    pthread_create(&server, NULL, serve, NULL);
    pthread_t threads[64];
    for (long i = 0; i < clients; i++) pthread_create(&threads[i], NULL, client, (void *)i);
    for (int i = 0; i < clients; i++) pthread_join(threads[i], NULL);
    double elapsed = now_seconds();
    atomic_store(&stopping, 1);
    pthread_join(server, NULL);
    close(listener);
    long ok = atomic_load(&made);
    printf("connections=%ld failed=%ld seconds=%.3f per_second=%.0f\n", ok, atomic_load(&failed), elapsed,
           (double)ok / elapsed);
    return 0;
}
