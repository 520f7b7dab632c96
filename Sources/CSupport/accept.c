#define _GNU_SOURCE
#include "osilab_support.h"

int osilab_accept_cloexec(int fd, struct sockaddr *address, socklen_t *length) {
#ifdef __linux__
    return accept4(fd, address, length, SOCK_CLOEXEC);
#else
    return accept(fd, address, length);
#endif
}
