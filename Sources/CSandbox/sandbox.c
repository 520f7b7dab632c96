// Entering a private network before main: see include/osilab_sandbox.h for the protocol and
// Sources/Sandbox/PrivateNetwork.swift for the side that asks for it.
#define _GNU_SOURCE
#include "osilab_sandbox.h"

#ifdef __linux__
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/if_ether.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// ---- small system-call helpers, safe in a child after fork (no allocation, no stdio) ----

/// Writes `text` to `path`; 0 or -1 with errno.
static int write_text(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t length = strlen(text);
    ssize_t written = write(fd, text, length);
    int saved = errno;
    close(fd);
    if (written != (ssize_t)length) {
        errno = written < 0 ? saved : EIO;
        return -1;
    }
    return 0;
}

/// The id maps a user namespace needs before anything in it has an identity: the caller's
/// own user and group, mapped to themselves. That is all a process may map without help
/// from a privileged helper (newuidmap), root included: once unshare(2) has moved it into the
/// new namespace it holds no capability over the parent's ids. It must also give up
/// setgroups(2) first, or it could drop a group that was put on it to keep it out of something.
struct id_maps {
    char uid_map[64];
    char gid_map[64];
};

static void prepare_maps(struct id_maps *maps) {
    snprintf(maps->uid_map, sizeof maps->uid_map, "%u %u 1\n", (unsigned)geteuid(), (unsigned)geteuid());
    snprintf(maps->gid_map, sizeof maps->gid_map, "%u %u 1\n", (unsigned)getegid(), (unsigned)getegid());
}

/// Writes the maps; the failing step, or OSILAB_STEP_NONE.
static int write_maps(const struct id_maps *maps) {
    if (write_text("/proc/self/setgroups", "deny\n") != 0 && errno != ENOENT) return OSILAB_STEP_SETGROUPS;
    if (write_text("/proc/self/uid_map", maps->uid_map) != 0) return OSILAB_STEP_UID_MAP;
    if (write_text("/proc/self/gid_map", maps->gid_map) != 0) return OSILAB_STEP_GID_MAP;
    return OSILAB_STEP_NONE;
}

/// Brings the loopback interface of this network namespace up (a new one starts down).
static int loopback_up(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    int result = ioctl(fd, SIOCGIFFLAGS, &request);
    if (result == 0) {
        request.ifr_flags |= IFF_UP | IFF_RUNNING;
        result = ioctl(fd, SIOCSIFFLAGS, &request);
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return result;
}

int osilab_can_open_packet_socket(void) {
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) return 0;
    close(fd);
    return 1;
}

unsigned long long osilab_namespace_inode(int pid, const char *kind) {
    char path[64];
    if (pid == 0) snprintf(path, sizeof path, "/proc/self/ns/%s", kind);
    else snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, kind);
    struct stat info;
    if (stat(path, &info) != 0) return 0;
    return (unsigned long long)info.st_ino;
}

/// The effective capability sets (two 32-bit words), or -1.
static int effective_capabilities(unsigned long long *mask) {
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    *mask = ((unsigned long long)data[1].effective << 32) | data[0].effective;
    return 0;
}

int osilab_administers_own_network(void) {
    unsigned long long mask = 0;
    if (effective_capabilities(&mask) != 0) return 0;
    unsigned long long needed = (1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_NET_ADMIN);
    if ((mask & needed) != needed) return 0;
    // Capabilities count only in the user namespace that owns the network namespace.
    int network = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (network < 0) return -1;
    int owner = ioctl(network, NS_GET_USERNS);
    int saved = errno;
    close(network);
    if (owner < 0) return saved == ENOTTY || saved == EINVAL ? -1 : 0;
    struct stat owner_info, own_info;
    int same = fstat(owner, &owner_info) == 0 && stat("/proc/self/ns/user", &own_info) == 0
        && owner_info.st_ino == own_info.st_ino && owner_info.st_dev == own_info.st_dev;
    close(owner);
    return same ? 1 : 0;
}

// ---- the probe ----

struct osilab_probe_result osilab_probe_private_network(void) {
    struct osilab_probe_result result = { OSILAB_STEP_NONE, 0 };
    struct id_maps maps;
    prepare_maps(&maps);
    const char *mount_point = access("/run", F_OK) == 0 ? "/run" : "/tmp";
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        result.failed_step = OSILAB_STEP_FORK;
        result.error_number = errno;
        return result;
    }
    pid_t child = fork();
    if (child < 0) {
        result.failed_step = OSILAB_STEP_FORK;
        result.error_number = errno;
        close(report[0]);
        close(report[1]);
        return result;
    }
    if (child == 0) {
        // Only system calls from here: the parent may have had other threads.
        struct osilab_probe_result found = { OSILAB_STEP_NONE, 0 };
        close(report[0]);
        if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) != 0) {
            found.failed_step = OSILAB_STEP_UNSHARE_USER;
        } else if ((found.failed_step = write_maps(&maps)) != OSILAB_STEP_NONE) {
        } else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
                   || mount("tmpfs", mount_point, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) {
            found.failed_step = OSILAB_STEP_MOUNT;
        } else if (loopback_up() != 0) {
            found.failed_step = OSILAB_STEP_LOOPBACK;
        } else if (!osilab_can_open_packet_socket()) {
            found.failed_step = OSILAB_STEP_PACKET_SOCKET;
        } else if (unshare(CLONE_NEWPID) != 0) {
            found.failed_step = OSILAB_STEP_UNSHARE_PID;
        }
        found.error_number = found.failed_step == OSILAB_STEP_NONE ? 0 : errno;
        ssize_t ignored = write(report[1], &found, sizeof found);
        (void)ignored;
        _exit(0);
    }
    close(report[1]);
    struct osilab_probe_result found;
    ssize_t got;
    do {
        got = read(report[0], &found, sizeof found);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    if (got != (ssize_t)sizeof found) {
        result.failed_step = OSILAB_STEP_FORK;
        result.error_number = ECHILD;
        return result;
    }
    return found;
}

// ---- entering, before main ----

static const char *step_name(int step) {
    switch (step) {
    case OSILAB_STEP_FORK: return "fork";
    case OSILAB_STEP_UNSHARE_USER: return "unshare(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWNS)";
    case OSILAB_STEP_SETGROUPS: return "writing /proc/self/setgroups";
    case OSILAB_STEP_UID_MAP: return "writing /proc/self/uid_map";
    case OSILAB_STEP_GID_MAP: return "writing /proc/self/gid_map";
    case OSILAB_STEP_MOUNT: return "mounting a tmpfs on /run";
    case OSILAB_STEP_LOOPBACK: return "bringing lo up";
    case OSILAB_STEP_JOIN: return "setns into the named network";
    case OSILAB_STEP_UNSHARE_PID: return "unshare(CLONE_NEWPID)";
    default: return "setting up";
    }
}

/// Where this member's registry file lives, to delete it on the way out.
static int member_directory = -1;
static char member_name[NAME_MAX + 1];

static void leave_registry(void) {
    if (member_directory >= 0 && member_name[0] != '\0') unlinkat(member_directory, member_name, 0);
}

static void give_up(int step, int error_number) {
    fprintf(stderr, "osilab: could not enter a private network (%s: %s). `osilab doctor` says why and how to fix it.\n",
            step_name(step), strerror(error_number));
    leave_registry();
    _exit(2);
}

/// Hands every capability osilab holds in the new user namespace to the programs it runs
/// (ip, nft, the learner's shell): their user id is not 0 there, so without ambient
/// capabilities execve(2) would drop them. They count only inside this namespace.
static void raise_ambient_capabilities(void) {
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &header, data) != 0) return;
    data[0].inheritable = data[0].permitted;
    data[1].inheritable = data[1].permitted;
    if (syscall(SYS_capset, &header, data) != 0) return;
    for (int capability = 0; capability < 64; capability++) {
        int held = capability < 32 ? (data[0].permitted >> capability) & 1 : (data[1].permitted >> (capability - 32)) & 1;
        if (held) prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, capability, 0, 0);
    }
}

/// Creates the directories of `path` below an existing parent (for the runtime folder
/// re-mounted inside the new /run).
static void make_directories(const char *path) {
    char partial[PATH_MAX];
    size_t length = strlen(path);
    if (length == 0 || length >= sizeof partial) return;
    for (size_t index = 1; index <= length; index++) {
        if (path[index] == '/' || path[index] == '\0') {
            memcpy(partial, path, index);
            partial[index] = '\0';
            mkdir(partial, 0700);
        }
    }
}

/// Fresh namespaces: user (with the id maps), network (with `lo` up) and mount (with a
/// tmpfs on /run, where `ip netns` keeps its names, and a sysfs of this network).
static void create_namespaces(void) {
    struct id_maps maps;
    prepare_maps(&maps);
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) != 0) give_up(OSILAB_STEP_UNSHARE_USER, errno);
    int step = write_maps(&maps);
    if (step != OSILAB_STEP_NONE) give_up(step, errno);
    // Nothing mounted here may reach the machine's mount namespace, and nothing of its
    // later mounts need reach this one.
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) give_up(OSILAB_STEP_MOUNT, errno);
    const char *runtime = getenv("XDG_RUNTIME_DIR");
    int runtime_folder = -1;
    if (runtime && strncmp(runtime, "/run/", 5) == 0)
        runtime_folder = open(runtime, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (access("/run", F_OK) == 0) {
        if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) give_up(OSILAB_STEP_MOUNT, errno);
        // The learner's runtime folder (XDG_RUNTIME_DIR, under /run) stays where it was.
        if (runtime_folder >= 0) {
            char source[64];
            snprintf(source, sizeof source, "/proc/self/fd/%d", runtime_folder);
            make_directories(runtime);
            mount(source, runtime, NULL, MS_BIND | MS_REC, NULL);
        }
    }
    if (runtime_folder >= 0) close(runtime_folder);
    // /sys/class/net should list this network's interfaces, not the machine's. Allowed
    // because this user namespace owns the network namespace; harmless if refused.
    mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    if (loopback_up() != 0) give_up(OSILAB_STEP_LOOPBACK, errno);
}

/// The user, network and mount namespaces of process `pid` (a member of a named network).
static void join_namespaces(const char *pid) {
    const char *kinds[3] = { "user", "net", "mnt" };
    int types[3] = { CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWNS };
    int descriptors[3];
    for (int index = 0; index < 3; index++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%s/ns/%s", pid, kinds[index]);
        descriptors[index] = open(path, O_RDONLY | O_CLOEXEC);
        if (descriptors[index] < 0) give_up(OSILAB_STEP_JOIN, errno);
    }
    // Joining a mount namespace moves the working directory to its root: come back.
    int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    for (int index = 0; index < 3; index++) {
        if (setns(descriptors[index], types[index]) != 0) give_up(OSILAB_STEP_JOIN, errno);
        close(descriptors[index]);
    }
    if (here >= 0) {
        if (fchdir(here) != 0) { /* the folder is gone from the network's view: stay at / */ }
        close(here);
    }
}

static volatile pid_t forward_target = 0;

static void forward_signal(int number) {
    if (forward_target > 0) kill(forward_target, number);
}

static void forward_signals_to(pid_t target) {
    forward_target = target;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
}

static int exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

/// The first process of the new PID namespace. When it ends, the kernel kills every
/// process left in the namespace, so nothing osilab or the learner started there outlives
/// it; and it dies with the process that made it (PR_SET_PDEATHSIG). It starts the worker,
/// which returns from here into main (or runs the requested program), passes SIGTERM and
/// SIGHUP on to it, reaps orphans, and exits with the worker's status.
static void become_init(int parent_alive, char **argv, int exec_mode) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct pollfd check = { parent_alive, POLLIN, 0 };
    if (poll(&check, 1, 0) > 0) _exit(1);  // the parent ended before PR_SET_PDEATHSIG took hold
    pid_t worker = fork();
    if (worker < 0) give_up(OSILAB_STEP_FORK, errno);
    if (worker == 0) {
        close(parent_alive);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (exec_mode) {
            execvp(argv[1], &argv[1]);
            fprintf(stderr, "osilab: cannot run %s: %s\n", argv[1], strerror(errno));
            _exit(errno == ENOENT ? 127 : 126);
        }
        return;
    }
    forward_signals_to(worker);
    int status = 0;
    for (;;) {
        int reaped_status;
        pid_t reaped = waitpid(-1, &reaped_status, 0);
        if (reaped == worker) {
            status = reaped_status;
            break;
        }
        if (reaped < 0 && errno != EINTR) break;
    }
    _exit(exit_code(status));
}

__attribute__((constructor(101)))
static void osilab_sandbox_entry(int argc, char **argv, char **envp) {
    (void)envp;
    const char *asked = getenv("OSILAB_SANDBOX_REQUEST");
    if (asked == NULL) return;
    char request[64], name[64];
    snprintf(request, sizeof request, "%s", asked);
    const char *given_name = getenv("OSILAB_SANDBOX_NAME");
    snprintf(name, sizeof name, "%s", given_name ? given_name : "");
    const char *exec_flag = getenv("OSILAB_SANDBOX_EXEC");
    int exec_mode = exec_flag && strcmp(exec_flag, "1") == 0;
    const char *member = getenv("OSILAB_SANDBOX_MEMBER");
    if (member && member[0] == '/') {
        const char *slash = strrchr(member, '/');
        char folder[PATH_MAX];
        size_t length = (size_t)(slash - member);
        if (length == 0) length = 1;
        if (length < sizeof folder && strlen(slash + 1) <= NAME_MAX) {
            memcpy(folder, member, length);
            folder[length] = '\0';
            snprintf(member_name, sizeof member_name, "%s", slash + 1);
            member_directory = open(folder, O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
    }
    const char *lock = getenv("OSILAB_SANDBOX_LOCK_FD");
    int lock_fd = lock ? atoi(lock) : -1;
    unsetenv("OSILAB_SANDBOX_REQUEST");
    unsetenv("OSILAB_SANDBOX_NAME");
    unsetenv("OSILAB_SANDBOX_EXEC");
    unsetenv("OSILAB_SANDBOX_MEMBER");
    unsetenv("OSILAB_SANDBOX_LOCK_FD");
    if (exec_mode && argc < 2) {
        fprintf(stderr, "osilab: no program to run in the private network\n");
        _exit(2);
    }

    if (strcmp(request, "new") == 0) create_namespaces();
    else if (strncmp(request, "join:", 5) == 0) join_namespaces(request + 5);
    else give_up(OSILAB_STEP_NONE, EINVAL);
    // Other terminals may now find this network in the registry.
    if (lock_fd > 2) close(lock_fd);
    raise_ambient_capabilities();
    if (unshare(CLONE_NEWPID) != 0) give_up(OSILAB_STEP_UNSHARE_PID, errno);
    setenv("OSILAB_PRIVATE_NETWORK", name[0] ? name : "+", 1);

    int alive[2];
    if (pipe2(alive, O_CLOEXEC) != 0) give_up(OSILAB_STEP_FORK, errno);
    pid_t init = fork();
    if (init < 0) give_up(OSILAB_STEP_FORK, errno);
    if (init == 0) {
        close(alive[1]);
        become_init(alive[0], argv, exec_mode);
        return;  // the worker, into main
    }
    // The process that was started: it stays outside the PID namespace (which holds only
    // its children), keeps the network alive for whoever joins it, and ends with the run.
    // Ctrl-C reaches the worker directly (same process group); this one must not die of it.
    close(alive[0]);
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    forward_signals_to(init);
    int status = 0;
    while (waitpid(init, &status, 0) < 0 && errno == EINTR) {}
    leave_registry();
    int code = exit_code(status);
    int signal_number = code - 128;
    if (signal_number == SIGINT || signal_number == SIGTERM || signal_number == SIGHUP) {
        // Die of the same signal, so that a shell running a loop stops too.
        signal(signal_number, SIG_DFL);
        kill(getpid(), signal_number);
    }
    _exit(code);
}

#else  // not Linux: no namespaces.

struct osilab_probe_result osilab_probe_private_network(void) {
    struct osilab_probe_result result = { OSILAB_STEP_UNSUPPORTED, 0 };
    return result;
}
int osilab_administers_own_network(void) { return 0; }
int osilab_can_open_packet_socket(void) { return 0; }
unsigned long long osilab_namespace_inode(int pid, const char *kind) { (void)pid; (void)kind; return 0; }

#endif
