// A load client for the lab servers: many concurrent clients doing request/answer round
// trips on 127.0.0.1, each timed.
//
//   loadclient -p PORT [-m echo|files|remote] [-c CLIENTS] [-d SECONDS] [-s BYTES]
//              [-f NAME] [-x COMMAND]
//
// Each client is a thread with one connection, made before the clock starts. Then, until
// SECONDS have passed (at most 120), each does one exchange after another and records how
// long each took:
//   echo    send BYTES bytes, read BYTES bytes back;
//   files   send "get NAME", read the size, send an acknowledgement, read that many bytes
//           (the notes' example 3);
//   remote  send COMMAND, read the size, acknowledge, read the output (example 2).
// A client whose server never answers waits only until the end of the run.
//
// Prints one line: clients served (at least one exchange), exchanges, exchanges per
// second, and the 50th and 99th percentile and the longest exchange, in microseconds.
//
// Build: cc -O2 -pthread -o loadclient loadclient.c
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum mode { ECHO, FILES, REMOTE };

static int port;
static enum mode mode = ECHO;
static int clients = 1;
static double seconds = 5;
static int message_bytes = 32;
static const char *file_name = "bench.txt";
static const char *command = "echo osilab";

// Latencies are counted in a histogram of 1 µs buckets up to 1 s: exact enough for the
// percentiles, and no memory that grows with the run.
#define BUCKETS 1000000
struct result {
    long exchanges;
    long errors;
    long longest;
    unsigned *histogram;
};

static struct timespec start_line;
static pthread_barrier_t ready, go;

static double elapsed_since(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

// Waits for the socket to be readable until the run's end; false if the run ended first.
static int wait_readable(int fd) {
    for (;;) {
        double left = seconds - elapsed_since(&start_line);
        if (left <= 0) return 0;
        struct pollfd entry = {.fd = fd, .events = POLLIN};
        int timeout = (int)(left * 1000) + 1;
        int ready_count = poll(&entry, 1, timeout);
        if (ready_count > 0) return 1;
        if (ready_count < 0 && errno != EINTR) return 0;
    }
}

// Reads exactly `count` bytes (or, with count < 0, whatever one recv gives). Returns the
// number read, or -1 on error, end of stream or the end of the run.
static long read_some(int fd, char *buffer, long count, long capacity) {
    long total = 0;
    long want = count < 0 ? 1 : count;
    while (total < want) {
        if (!wait_readable(fd)) return -1;
        ssize_t got = recv(fd, buffer + total, (size_t)(capacity - total), 0);
        if (got <= 0) return -1;
        total += got;
        if (count < 0) break;
    }
    return total;
}

static int send_all(int fd, const char *data, size_t count) {
    while (count > 0) {
        ssize_t sent = send(fd, data, count, MSG_NOSIGNAL);
        if (sent <= 0) return -1;
        data += sent;
        count -= (size_t)sent;
    }
    return 0;
}

// One exchange of the lab's protocol; 0 on success.
static int exchange(int fd, char *buffer, long capacity) {
    switch (mode) {
    case ECHO: {
        memset(buffer, 'a', (size_t)message_bytes);
        if (send_all(fd, buffer, (size_t)message_bytes) != 0) return -1;
        return read_some(fd, buffer, message_bytes, capacity) == message_bytes ? 0 : -1;
    }
    case FILES:
    case REMOTE: {
        char request[512];
        int length = mode == FILES ? snprintf(request, sizeof request, "get %s", file_name)
                                   : snprintf(request, sizeof request, "%s", command);
        if (send_all(fd, request, (size_t)length) != 0) return -1;
        long got = read_some(fd, buffer, -1, capacity - 1);
        if (got <= 0) return -1;
        buffer[got] = 0;
        char *end;
        long size = strtol(buffer, &end, 10);
        if (end == buffer || size < 0 || size > capacity) return -1;
        const char ack[] = "ready";
        if (send_all(fd, ack, sizeof ack - 1) != 0) return -1;
        return read_some(fd, buffer, size, capacity) == size ? 0 : -1;
    }
    }
    return -1;
}

static void *run_client(void *argument) {
    struct result *result = argument;
    long capacity = 1 << 20;
    char *buffer = malloc((size_t)capacity);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    struct timeval timeout = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    int connected = connect(fd, (struct sockaddr *)&address, sizeof address) == 0;
    // Wait for every client, so the clock starts with all of them connected (a connect the
    // server's backlog drops can take seconds), then for the clock itself.
    pthread_barrier_wait(&ready);
    pthread_barrier_wait(&go);
    while (connected && elapsed_since(&start_line) < seconds) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (exchange(fd, buffer, capacity) != 0) {
            // Count a failure only if the run was not simply over.
            if (elapsed_since(&start_line) < seconds) result->errors++;
            break;
        }
        // An answer that came only as the run ended, because another client let go of the
        // server, does not count: the client waited the whole run.
        if (elapsed_since(&start_line) > seconds) break;
        long micros = (long)(elapsed_since(&t0) * 1e6);
        if (micros > result->longest) result->longest = micros;
        result->histogram[micros < BUCKETS ? micros : BUCKETS - 1]++;
        result->exchanges++;
    }
    if (!connected) result->errors++;
    close(fd);
    free(buffer);
    return NULL;
}

static long percentile(const unsigned *histogram, long total, double fraction) {
    long rank = (long)(fraction * (double)total);
    long seen = 0;
    for (long i = 0; i < BUCKETS; i++) {
        seen += histogram[i];
        if (seen > rank) return i;
    }
    return BUCKETS - 1;
}

int main(int argc, char **argv) {
    int option;
    while ((option = getopt(argc, argv, "p:m:c:d:s:f:x:")) != -1) {
        switch (option) {
        case 'p': port = atoi(optarg); break;
        case 'm':
            mode = strcmp(optarg, "files") == 0 ? FILES : strcmp(optarg, "remote") == 0 ? REMOTE : ECHO;
            break;
        case 'c': clients = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 's': message_bytes = atoi(optarg); break;
        case 'f': file_name = optarg; break;
        case 'x': command = optarg; break;
        default:
            fprintf(stderr, "usage: %s -p PORT [-m echo|files|remote] [-c CLIENTS] [-d SECONDS] [-s BYTES] [-f NAME] [-x COMMAND]\n",
                    argv[0]);
            return 2;
        }
    }
    if (port < 1 || port > 65535 || clients < 1 || clients > 1000 || seconds <= 0 || seconds > 120 ||
        message_bytes < 1 || message_bytes > 65536) {
        fprintf(stderr, "loadclient: PORT 1-65535, CLIENTS 1-1000, SECONDS (0, 120], BYTES 1-65536\n");
        return 2;
    }
    struct result *results = calloc((size_t)clients, sizeof *results);
    pthread_t *threads = calloc((size_t)clients, sizeof *threads);
    pthread_barrier_init(&ready, NULL, (unsigned)clients + 1);
    pthread_barrier_init(&go, NULL, (unsigned)clients + 1);
    for (int i = 0; i < clients; i++) {
        results[i].histogram = calloc(BUCKETS, sizeof(unsigned));
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setstacksize(&attributes, 256 * 1024);
        pthread_create(&threads[i], &attributes, run_client, &results[i]);
        pthread_attr_destroy(&attributes);
    }
    // Every client has connected (or failed to) before the clock starts; the second barrier
    // also publishes start_line to the client threads.
    pthread_barrier_wait(&ready);
    clock_gettime(CLOCK_MONOTONIC, &start_line);
    pthread_barrier_wait(&go);
    for (int i = 0; i < clients; i++) pthread_join(threads[i], NULL);
    double elapsed = elapsed_since(&start_line);

    unsigned *merged = calloc(BUCKETS, sizeof(unsigned));
    long exchanges = 0, errors = 0, longest = 0, served = 0;
    for (int i = 0; i < clients; i++) {
        exchanges += results[i].exchanges;
        errors += results[i].errors;
        if (results[i].exchanges > 0) served++;
        if (results[i].longest > longest) longest = results[i].longest;
        for (long b = 0; b < BUCKETS; b++) merged[b] += results[i].histogram[b];
    }
    printf("clients=%d served=%ld exchanges=%ld per_second=%.0f p50_us=%ld p99_us=%ld max_us=%ld errors=%ld\n", clients,
           served, exchanges, (double)exchanges / elapsed, exchanges ? percentile(merged, exchanges, 0.5) : -1,
           exchanges ? percentile(merged, exchanges, 0.99) : -1, longest, errors);
    return 0;
}
