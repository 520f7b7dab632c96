#ifndef OSILAB_SUPPORT_H
#define OSILAB_SUPPORT_H
#include <sys/socket.h>

/// accept() that makes the new descriptor close-on-exec atomically (Linux accept4).
/// Glibc only declares accept4 under _GNU_SOURCE, which Swift's Glibc module does not set.
int osilab_accept_cloexec(int fd, struct sockaddr *address, socklen_t *length);

/// Moves the calling thread (only it) into the network namespace `fd` refers to (an open
/// /run/netns/NAME). Linux setns(fd, CLONE_NEWNET); glibc declares it only under _GNU_SOURCE.
/// Returns -1 with errno ENOSYS on systems without network namespaces.
int osilab_enter_network_namespace(int fd);

#endif
