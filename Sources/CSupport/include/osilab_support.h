#ifndef OSILAB_SUPPORT_H
#define OSILAB_SUPPORT_H
#include <sys/socket.h>

/// accept() that makes the new descriptor close-on-exec atomically (Linux accept4).
/// Glibc only declares accept4 under _GNU_SOURCE, which Swift's Glibc module does not set.
int osilab_accept_cloexec(int fd, struct sockaddr *address, socklen_t *length);

#endif
