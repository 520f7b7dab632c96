#include "osilab_support.h"
#include <errno.h>
#include <signal.h>
#include <pthread.h>
#include <string.h>

// Counted by the handler below while osilab_send_counting_sigpipe runs. The kernel sends
// SIGPIPE to the thread that wrote, before send() returns to it, so the count is read
// after the call has seen every signal that call raised.
static volatile sig_atomic_t sigpipe_count = 0;

static void count_sigpipe(int signal_number) {
    (void)signal_number;
    sigpipe_count += 1;
}

long osilab_send_counting_sigpipe(int fd, const void *bytes, size_t count, int flags, int *error_number, int *signals) {
    struct sigaction counting;
    struct sigaction previous;
    memset(&counting, 0, sizeof counting);
    counting.sa_handler = count_sigpipe;
    sigemptyset(&counting.sa_mask);
    // A caught signal instead of SIG_DFL: the experiment must survive the SIGPIPE it shows.
    if (sigaction(SIGPIPE, &counting, &previous) != 0) {
        *error_number = errno;
        *signals = -1;
        return -1;
    }
    sigset_t unblock;
    sigset_t previous_mask;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGPIPE);
    pthread_sigmask(SIG_UNBLOCK, &unblock, &previous_mask);
    sigpipe_count = 0;
    long result = (long)send(fd, bytes, count, flags);
    *error_number = result < 0 ? errno : 0;
    *signals = (int)sigpipe_count;
    pthread_sigmask(SIG_SETMASK, &previous_mask, NULL);
    sigaction(SIGPIPE, &previous, NULL);
    return result;
}
