#define _GNU_SOURCE
#include "osilab_support.h"
#include <errno.h>
#ifdef __linux__
#include <sched.h>
#endif

int osilab_accept_cloexec(int fd, struct sockaddr *address, socklen_t *length) {
#ifdef __linux__
    return accept4(fd, address, length, SOCK_CLOEXEC);
#else
    return accept(fd, address, length);
#endif
}

int osilab_enter_network_namespace(int fd) {
#ifdef __linux__
    return setns(fd, CLONE_NEWNET);
#else
    (void)fd;
    errno = ENOSYS;
    return -1;
#endif
}
