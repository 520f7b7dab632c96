#ifndef OSILAB_SUPPORT_H
#define OSILAB_SUPPORT_H
#include <stddef.h>
#include <sys/socket.h>

/// accept() that makes the new descriptor close-on-exec atomically (Linux accept4).
/// Glibc only declares accept4 under _GNU_SOURCE, which Swift's Glibc module does not set.
int osilab_accept_cloexec(int fd, struct sockaddr *address, socklen_t *length);

/// Moves the calling thread (only it) into the network namespace `fd` refers to (an open
/// /run/netns/NAME). Linux setns(fd, CLONE_NEWNET); glibc declares it only under _GNU_SOURCE.
/// Returns -1 with errno ENOSYS on systems without network namespaces.
int osilab_enter_network_namespace(int fd);

/// send() with a handler counting SIGPIPE installed for the length of the call (the previous
/// disposition, usually SIG_IGN, is restored afterwards). Stores the call's errno (0 on
/// success) and the number of SIGPIPEs it raised. Without MSG_NOSIGNAL in `flags`, a send on
/// a connection the peer has reset raises one; with it, none.
long osilab_send_counting_sigpipe(int fd, const void *bytes, size_t count, int flags, int *error_number, int *signals);

#endif
