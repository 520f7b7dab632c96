#ifndef OSILAB_SANDBOX_H
#define OSILAB_SANDBOX_H

// The private network: a user, network, mount and PID namespace that an ordinary user may
// create, in which osilab holds CAP_NET_RAW and CAP_NET_ADMIN over a loopback of its own.
//
// unshare(CLONE_NEWUSER) refuses a process with more than one thread, and the Swift runtime
// and Dispatch start threads early. So the namespaces are entered by a constructor in
// sandbox.c that runs before main, when osilab was started with OSILAB_SANDBOX_REQUEST in
// its environment (osilab sets it and re-executes itself: see Sources/Sandbox). The
// protocol, all set by the Swift side:
//
//   OSILAB_SANDBOX_REQUEST   "new" (fresh namespaces) or "join:PID" (those of process PID)
//   OSILAB_SANDBOX_NAME      the network's name ("" for one made for a single run)
//   OSILAB_SANDBOX_EXEC      "1": run argv[1...] inside instead of returning to main
//   OSILAB_SANDBOX_MEMBER    a file to delete when this member leaves (named networks)
//   OSILAB_SANDBOX_LOCK_FD   a descriptor holding the registry lock, closed once inside
//
// Inside, the program (or argv[1...]) sees OSILAB_PRIVATE_NETWORK: the name, or "+" for a
// network of its own.

/// The steps of entering a private network, for saying which one failed.
enum osilab_sandbox_step {
    OSILAB_STEP_NONE = 0,
    OSILAB_STEP_FORK = 1,
    OSILAB_STEP_UNSHARE_USER = 2,
    OSILAB_STEP_SETGROUPS = 3,
    OSILAB_STEP_UID_MAP = 4,
    OSILAB_STEP_GID_MAP = 5,
    OSILAB_STEP_MOUNT = 6,
    OSILAB_STEP_LOOPBACK = 7,
    OSILAB_STEP_PACKET_SOCKET = 8,
    OSILAB_STEP_JOIN = 9,
    OSILAB_STEP_UNSHARE_PID = 10,
    OSILAB_STEP_UNSUPPORTED = 11,
};

/// What the probe found: the first step that failed (OSILAB_STEP_NONE when all worked) and
/// the errno it failed with.
struct osilab_probe_result {
    int failed_step;
    int error_number;
};

/// Tries, in a short-lived child process, everything a private network needs: a user and
/// network namespace, the id maps, a tmpfs mount, `lo` up and a packet socket. Nothing
/// outlives the child. Safe to call from a multi-threaded process (the child only makes
/// system calls).
struct osilab_probe_result osilab_probe_private_network(void);

/// 1 when the calling process holds CAP_SYS_ADMIN and CAP_NET_ADMIN in the user namespace
/// that owns its network namespace (so it may create namespaces and firewall rules there),
/// 0 when not, -1 when the kernel cannot say (no NS_GET_USERNS).
int osilab_administers_own_network(void);

/// 1 when a packet socket opens in this network namespace (libpcap's capture on Linux).
int osilab_can_open_packet_socket(void);

/// The inode number of /proc/PID/ns/KIND (KIND "net", "user", ...), or 0 when unreadable.
/// PID 0 means this process.
unsigned long long osilab_namespace_inode(int pid, const char *kind);

#endif
