#!/usr/bin/env python3
"""Throws at each lab server what careless users and attackers will throw, and checks that
it survives unharmed. Run by scripts/abuse (and so by scripts/test); about a minute.

For each of `osilab serve echo`, `files`, `remote` (and a shorter round for `udp-echo`):
  - 500 concurrent connections, each doing a normal exchange: all must be answered;
  - half-open connections that connect and never send;
  - slow senders (one byte per second);
  - clients that vanish mid-transfer (close, or reset with SO_LINGER 0);
  - oversized requests, non-UTF-8 requests, NUL bytes;
  - at the file server, every traversal pattern we could think of; at the remote server,
    shell metacharacters.
Afterwards the server must still answer a normal client, its open descriptors
(/proc/PID/fd) must be back to their count before the abuse, and a canary file outside
the served folder must not have been opened (inotify sees no open, its atime is
unchanged) nor its unique content appear in any answer. Traffic stays on 127.0.0.1.

Also `unread-log`: `osilab serve echo` with its log going to a pipe nobody reads; and
`request-memory`: the memory 200 connections waiting for a request cost.

Usage: abuse.py OSILAB_BINARY [--lab echo|files|remote|udp-echo|unread-log|request-memory]...
"""

import ctypes
import errno
import fcntl
import os
import resource
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import uuid

CONNECTIONS = 500
BASE_PORT = 4820

failures = []
checks = 0
figures = []  # what the new attacks measured, printed at the end (Benchmarks/REPORT.md)


def check(condition, message):
    """Records one check; a failed one is printed at once and fails the run at the end."""
    global checks
    checks += 1
    if not condition:
        failures.append(message)
        print(f"  FAIL: {message}", flush=True)
    return condition


# ---------------------------------------------------------------- the canary


class Canary:
    """A file outside the served folder whose content must never leave the server, watched
    with inotify (IN_OPEN, IN_ACCESS) and by its access time."""

    IN_ACCESS = 0x001
    IN_OPEN = 0x020
    IN_NONBLOCK = 0o4000

    def __init__(self, path):
        self.path = path
        self.secret = f"CANARY-{uuid.uuid4().hex}"
        with open(path, "w") as handle:
            handle.write(self.secret + "\n")
        # An access time far in the past: with relatime, any read would now update it.
        os.utime(path, (1_000_000_000, os.stat(path).st_mtime))
        self.atime = os.stat(path).st_atime_ns
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(self.IN_NONBLOCK)
        if self.fd < 0 or libc.inotify_add_watch(self.fd, path.encode(), self.IN_OPEN | self.IN_ACCESS) < 0:
            raise OSError(ctypes.get_errno(), "inotify on the canary")

    def events(self):
        """How many opens or reads inotify saw since the last call."""
        count = 0
        while True:
            try:
                data = os.read(self.fd, 4096)
            except BlockingIOError:
                return count
            offset = 0
            while offset + 16 <= len(data):
                _wd, _mask, _cookie, length = struct.unpack_from("iIII", data, offset)
                offset += 16 + length
                count += 1

    def leaked_in(self, data):
        return self.secret.encode() in data

    def untouched(self):
        return os.stat(self.path).st_atime_ns == self.atime


# ---------------------------------------------------------------- the server


def descriptor_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class Server:
    def __init__(self, binary, lab, port, root, workdir):
        self.lab = lab
        self.port = port
        arguments = [binary, "serve", lab, "--port", str(port), "--quiet",
                     "--idle-timeout", "30", "--io-timeout", "3"]
        if lab == "files":
            arguments += ["--root", root]
        self.log_path = os.path.join(workdir, f"{lab}.log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(arguments, stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir)
        kind = socket.SOCK_DGRAM if lab == "udp-echo" else socket.SOCK_STREAM
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"osilab serve {lab} exited at once: {open(self.log_path).read()}")
            if kind == socket.SOCK_DGRAM:
                if any(f":{port:04X} " in line for line in open("/proc/net/udp")):
                    return
            else:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError(f"osilab serve {lab} did not start listening on port {port}")

    @property
    def pid(self):
        return self.process.pid

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = "killed after 15 s"
        self.log.close()
        return code


# ---------------------------------------------------------------- clients


def connect(port, timeout=10, source="127.0.0.1"):
    """A connection from `source`: every 127.x.y.z is this machine's loopback, so clients
    from several addresses can be had on one machine (the server limits each address)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout, source_address=(source, 0))
    sock.settimeout(timeout)
    return sock


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


def read_all(sock, limit=1 << 20):
    """Everything until the server closes, the timeout, or `limit` bytes."""
    data = b""
    try:
        while len(data) < limit:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


def sized_exchange(sock, request):
    """The notes' example 2 and 3: request, size, acknowledgement, that many bytes.
    Returns everything received (a refusal `ERR ...` in place of the size included)."""
    sock.sendall(request)
    head = sock.recv(1024)
    if not head.strip().isdigit():
        return head
    sock.sendall(b"ready to recv")
    return head + b"|" + read_exactly(sock, int(head))


def normal_exchange(lab, port, timeout=10, source="127.0.0.1"):
    """One well-behaved client; returns True when the answer is right."""
    if lab == "udp-echo":
        # UDP may drop a datagram (a full receive queue after a flood), so a client tries
        # again, as any UDP client must; a server that answers none of five is not serving.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(1)
            for _ in range(5):
                sock.sendto(b"hello udp", ("127.0.0.1", port))
                try:
                    return sock.recvfrom(2048)[0] == b"HELLO UDP"
                except TimeoutError:
                    continue
            return False
    with connect(port, timeout, source) as sock:
        if lab == "echo":
            sock.sendall(b"hello osilab 0123456789 abcdefgh")
            return read_exactly(sock, 32) == b"HELLO OSILAB 0123456789 ABCDEFGH"
        if lab == "files":
            return sized_exchange(sock, b"get hello.txt") == b"12|hello world\n"
        if lab == "remote":
            return sized_exchange(sock, b"echo hi there").endswith(b"|hi there\n")
    return False


def concurrent_clients(lab, port, count):
    """`count` clients connect at once, then each does a normal exchange."""
    results = []
    lock = threading.Lock()
    start = threading.Barrier(count)

    def one(number):
        ok = False
        try:
            start.wait(30)
            # A class on four machines: one address may hold only half the server's slots.
            ok = normal_exchange(lab, port, timeout=30, source=f"127.0.0.{1 + number % 4}")
        except Exception:
            ok = False
        with lock:
            results.append(ok)

    threads = [threading.Thread(target=one, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sum(results)


# ---------------------------------------------------------------- attacks


def traversal_names(canary, root):
    name = os.path.basename(canary.path)
    relative = os.path.relpath(canary.path, root)
    return [
        f"../{name}", relative, f"./../{name}", f"sub/../../{name}", f"sub/../sub/../../{name}",
        f"..//{name}", f"....//{name}", f"..././{name}", f"../../../../../../..{canary.path}",
        canary.path, f"//{canary.path}", f"/proc/self/cwd/{name}", f"/proc/self/root{canary.path}",
        f"..\\{name}", f"%2e%2e/{name}", f"%2e%2e%2f{name}", f"..%2f{name}", f"..%c0%af{name}",
        f"\uff0e\uff0e/{name}", f"\u2024\u2024/{name}", f"hello.txt/../../{name}", f"hello.txt\x00../{name}",
        f"../{name}\x00", "escape", "escape-dir/" + name, "sub/escape", "..", ".", "/", "~", f"~/{name}",
        "/etc/passwd", "../../etc/passwd", "/etc/shadow", "/proc/self/environ", "/proc/self/cmdline",
        "/dev/zero", "/dev/random", "/proc/self/fd/0", "fifo", "sub", "a" * 5000, "../" * 1000 + name,
        f"{root}/../{name}", f"{os.path.dirname(root)}/{name}", f" ../{name}", f"../{name} ",
        f"\t../{name}", f"..\n/{name}", "hardlink", "sub/../hardlink",
        # A slash followed by a combining mark is one Unicode character, not a separator (#17.3).
        f"../\u0301{name}", f"sub/\u0301../../{name}",
    ]


def shell_payloads(canary):
    path = canary.path
    pwned = os.path.join(os.path.dirname(path), "pwned")
    return pwned, [
        f"cat {path}", f"echo hi; cat {path}", f"echo hi && cat {path}", f"echo hi || cat {path}",
        f"echo hi | cat {path}", f"echo $(cat {path})", f"echo `cat {path}`", f"echo hi > {pwned}",
        f"echo hi >> {pwned}", f"echo hi\ncat {path}", f"echo hi\rcat {path}", f"echo ${{IFS}}cat${{IFS}}{path}",
        f"echo $HOME", f"ls; touch {pwned}", f"ls & cat {path}", f"echo <{path}", f"$(cat {path})",
        f"/bin/cat {path}", f"sh -c 'cat {path}'", f"bash -c 'cat {path}'", f"env cat {path}",
        f"echo hi; touch {pwned}", f"ls -la {os.path.dirname(path)} ; cat {path}", "echo '", 'echo "',
        f"echo \x00; cat {path}", f"python3 -c 'print(open(\"{path}\").read())'", f"date --file={path}",
        f"echo {{a,b}}; cat {path}", f"ls --hide=x {path}; cat {path}", "yes", "sleep 100",
        f"touch {pwned}", f"ln -s {path} x", f"cp {path} .", f"date -f {path}", f"date --file={path}",
        f"date --file {path}", f"date -r {path}", f"date --reference={path}", "date -s 2001-01-01",
        "date --set=2001-01-01", f"hostname -F {path}", f"hostname --file={path}", "hostname pwned-host",
        f"ls {path}; cat {path}", f"echo -e '\\x41'; cat {path}",
        # GNU date opens the file a TZ="..." inside its date names (#17.2); getopt takes any
        # unambiguous prefix of a long option.
        f"date --date='TZ=\"{path}\" now'", f"date -d 'TZ=\"{path}\" now'", f"date '-dTZ=\"{path}\"'",
        f"date --date='tz = \"{path}\"'", f"date --fi={path}", f"date --f {path}", f"date --ref={path}",
        f"date --se=2001-01-01", f"hostname --fi {path}",
    ]


def run_attacks(lab, port, canary, root, workdir):
    """Every abuse at once where it makes sense; returns the answers received (checked
    for the canary afterwards)."""
    answers = []
    lock = threading.Lock()

    def keep(data):
        with lock:
            answers.append(data)

    held = []  # sockets held open during the attacks (half-open, idle)

    def guarded(function):
        def wrapper(*arguments):
            try:
                function(*arguments)
            except OSError:
                pass  # the server closing on us is a fine answer to abuse
        return wrapper

    @guarded
    def half_open():
        for _ in range(100):
            held.append(connect(port))

    @guarded
    def slow_sender(request):
        with connect(port, 20) as sock:
            for byte in request:
                sock.sendall(bytes([byte]))
                time.sleep(1.0)
            sock.settimeout(3)
            keep(read_all(sock, 65536))

    @guarded
    def vanish(payload, reset):
        sock = connect(port)
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(payload)
        if lab in ("files", "remote"):
            head = sock.recv(64)
            if head.strip().isdigit():
                sock.sendall(b"ok")  # acknowledge, then leave before the data is read
        sock.close()

    @guarded
    def oversized(payload):
        with connect(port) as sock:
            sock.settimeout(5)
            if lab == "echo":
                # Send a lot while reading back, as the echo answers as it goes.
                reader = threading.Thread(target=lambda: keep(read_all(sock, len(payload))))
                reader.start()
                sock.sendall(payload)
                sock.shutdown(socket.SHUT_WR)
                reader.join(30)
            else:
                try:
                    sock.sendall(payload)
                except OSError:
                    pass
                keep(read_all(sock, 65536))

    @guarded
    def request(payload):
        with connect(port) as sock:
            sock.settimeout(5)
            if lab == "echo":
                sock.sendall(payload)
                keep(read_exactly(sock, len(payload)))
            else:
                keep(sized_exchange(sock, payload))

    jobs = [(half_open, ())]
    jobs += [(slow_sender, (b"get hello.txt" if lab == "files" else b"echo slow",)) for _ in range(3)]
    for reset in (False, True):
        big = b"get big.bin" if lab == "files" else (b"echo vanish" if lab == "remote" else b"x" * (4 << 20))
        jobs += [(vanish, (big, reset)) for _ in range(10)]
    jobs += [(oversized, (os.urandom(1 << 20),)), (oversized, (b"get " + b"A" * (1 << 20),))]
    for payload in (b"\xff\xfe\xfd get \x80\x81", b"\xc0\xaf", b"\xed\xa0\x80", b"\x00" * 64, b"get \x00",
                    "échö ünïcödé 中文 🚀".encode(), b"\r\n\r\n", b" ", b"get", b"GET / HTTP/1.0\r\n\r\n"):
        jobs.append((request, (payload,)))
    if lab == "files":
        jobs += [(request, (b"get " + name.encode("utf-8", "surrogateescape"),)) for name in traversal_names(canary, root)]
    if lab == "remote":
        pwned, payloads = shell_payloads(canary)
        jobs += [(request, (payload.encode(),)) for payload in payloads]

    hostname, wall_clock, monotonic = socket.gethostname(), time.time(), time.monotonic()
    threads = [threading.Thread(target=function, args=arguments) for function, arguments in jobs]
    for thread in threads:
        thread.start()
    # While all that goes on, a normal client must still be served.
    time.sleep(1)
    check(normal_exchange(lab, port), f"{lab}: a normal client is answered while the server is under abuse")
    for thread in threads:
        thread.join(60)
    check(not any(t.is_alive() for t in threads), f"{lab}: every abusive client finished within a minute")
    for sock in held:
        sock.close()
    if lab == "remote":
        check(not os.path.exists(pwned), f"remote: no shell ran: {pwned} was not created")
        check(socket.gethostname() == hostname, f"remote: the machine's name is still {hostname!r}")
        check(abs(time.time() - wall_clock - (time.monotonic() - monotonic)) < 5, "remote: the clock was not set")
    return answers


def server_figures(pid):
    """The server's open descriptors and resident memory, from /proc."""
    rss = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return descriptor_count(pid), rss


def established_from(port, source):
    """How many connections to `port` from `source` the kernel has ESTABLISHED on the
    server's side (ss, not the server's own counts)."""
    output = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
                            capture_output=True, text=True).stdout
    return sum(1 for line in output.splitlines() if line.split()[-1].startswith(source + ":"))


HOG_CONNECTIONS = 600


def start_trickle_reader(port):
    """A files client that reads big.bin (8 MiB) at 16 KiB/s: it must be cut at the answer's
    deadline (--io-timeout 3 s, plus 8 s for 8 MiB at 1 MiB/s). Runs while the other attacks do."""
    trickle = {}

    def trickle_reader():
        started = time.time()
        try:
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.settimeout(10)
            sock.connect(("127.0.0.1", port))
            sock.sendall(b"get big.bin")
            if not sock.recv(64).strip().isdigit():
                trickle["result"] = "no size"
                return
            sock.sendall(b"ok")
            started, received = time.time(), 0
            while time.time() - started < 20:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += len(chunk)
                time.sleep(0.25)
            trickle["result"] = f"held {time.time() - started:.0f} s, {received} bytes"
            trickle["cut"] = time.time() - started < 20
        except OSError as error:
            trickle["result"] = f"cut after {time.time() - started:.0f} s ({error.strerror})"
            trickle["cut"] = True

    reader = threading.Thread(target=trickle_reader)
    reader.start()
    return reader, trickle


def slot_attacks(lab, port, pid, figures, trickle=None):
    """One client address opens more connections than the server has slots and holds
    them (the attack of issue 17.4); a client from another address must still be served.
    `trickle`: the files server's slow reader (start_trickle_reader), checked here."""
    held = []
    reader, trickle = trickle if trickle else (None, {})
    settle = time.time() + 5  # the earlier attacks' connections are still closing
    while descriptor_count(pid) > 16 and time.time() < settle:
        time.sleep(0.1)
    before = server_figures(pid)
    try:
        for _ in range(HOG_CONNECTIONS):
            held.append(connect(port, 5, "127.0.0.1"))
    except OSError:
        pass
    for sock in held[-5:]:  # a byte now and then: at the echo server each one is answered
        try:
            sock.sendall(b"x")
        except OSError:
            pass
    time.sleep(1)
    hogged = established_from(port, "127.0.0.1")
    during = server_figures(pid)
    try:
        fresh = normal_exchange(lab, port, timeout=5, source="127.0.0.9")
    except OSError:
        fresh = False  # refused: the server closed it at once
    check(fresh, f"{lab}: with {len(held)} connections held from 127.0.0.1 ({hogged} served), "
                 "a client from 127.0.0.9 is answered")
    check(hogged <= 256, f"{lab}: one address holds at most half the 512 slots (it holds {hogged})")
    for sock in held:
        sock.close()
    if reader:
        reader.join(30)
        check(trickle.get("cut", False), f"files: a client reading 8 MiB at 16 KiB/s is cut at the "
                                         f"answer's deadline ({trickle.get('result')})")
    figures.append(f"{lab}: one address opened {len(held)}, server held {hogged}; fds {before[0]} -> {during[0]}, "
                   f"VmRSS {before[1]} -> {during[1]} KiB" + (f"; trickle reader {trickle.get('result')}" if reader else ""))


def wait_for_listener(port, seconds=20):
    """Returns once something accepts TCP connections on 127.0.0.1:port, or after `seconds`
    (the check that follows then fails and says what was not answered)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)


def unread_log(binary, port, workdir):
    """`osilab serve echo | (sleep 999)` (issue 17.5): the log goes to a pipe nobody reads.
    The server must answer 1500 clients one after the other (each logs three lines, far
    more than the pipe's 64 KiB), and still stop on SIGINT."""
    print(f"== osilab serve echo, its log unread (port {port})", flush=True)
    errors = open(os.path.join(workdir, "unread.err"), "w+")
    process = subprocess.Popen([binary, "serve", "echo", "--port", str(port)], stdout=subprocess.PIPE,
                               stderr=errors, stdin=subprocess.DEVNULL)
    try:
        wait_for_listener(port)
        before = server_figures(process.pid)
        answered = 0
        for number in range(1500):
            try:
                with connect(port, 3) as sock:
                    message = f"hi {number}".encode()
                    sock.sendall(message)
                    if read_exactly(sock, len(message)) != message.upper():
                        break
                answered += 1
            except OSError:
                break
        after = server_figures(process.pid)
        waiting = struct.unpack("i", fcntl.ioctl(process.stdout.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]
        check(answered == 1500, f"echo, log unread: {answered} of 1500 clients answered")
        check(waiting >= 60000, f"echo, log unread: the pipe is full ({waiting} bytes wait in it)")
        figures.append(f"echo, log unread: {answered} of 1500 answered, {waiting} bytes waiting in the pipe; "
                       f"fds {before[0]} -> {after[0]}, VmRSS {before[1]} -> {after[1]} KiB")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = "killed after 15 s"
        process.stdout.close()
    errors.seek(0)
    said = errors.read()
    errors.close()
    check(code == 0, f"echo, log unread: stopped on SIGINT (exit status {code})")
    check("log lines dropped" in said, f"echo, log unread: says on standard error what it dropped ({said.strip()[:120]!r})")


def request_memory(binary, port, workdir):
    """Issue 17.7: `--max-request` was allocated whole for every connection waiting for a
    request. 200 connections wait at a files server allowing 1 MiB requests: its resident
    memory must grow by far less than 200 MiB."""
    print(f"== osilab serve files --max-request 1048576, 200 waiting connections (port {port})", flush=True)
    root = os.path.join(workdir, "memory-root")
    os.makedirs(root, exist_ok=True)
    log = open(os.path.join(workdir, "memory.log"), "w")
    process = subprocess.Popen([binary, "serve", "files", "--port", str(port), "--root", root, "--quiet",
                                "--max-request", "1048576"], stdout=log, stderr=subprocess.STDOUT)
    held = []
    try:
        wait_for_listener(port)
        time.sleep(0.3)
        before = server_figures(process.pid)
        for number in range(200):
            held.append(connect(port, 5, f"127.0.0.{1 + number % 2}"))
        time.sleep(1)
        during = server_figures(process.pid)
        grown = (during[1] - before[1]) / 1024
        check(grown < 50, f"files, --max-request 1 MiB: 200 waiting connections add {grown:.0f} MiB (under 50)")
        figures.append(f"files, --max-request 1048576, 200 waiting connections: fds {before[0]} -> {during[0]}, "
                       f"VmRSS {before[1]} -> {during[1]} KiB")
    finally:
        for sock in held:
            sock.close()
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def udp_attacks(port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for size in (0, 1, 1400, 9000, 65507):
            sock.sendto(os.urandom(size), ("127.0.0.1", port))
        for _ in range(2000):
            sock.sendto(b"\xff\xfe flood", ("127.0.0.1", port))


def spoofed_udp(payload, source_port, port):
    """One datagram 127.0.0.1:source_port -> 127.0.0.1:port from a raw socket that writes
    its own IP header (IPPROTO_RAW): the kernel fills in the IP checksum, and a UDP
    checksum of 0 means none (RFC 768)."""
    udp = struct.pack("!HHHH", source_port, port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, socket.IPPROTO_UDP, 0,
                     socket.inet_aton("127.0.0.1"), socket.inet_aton("127.0.0.1"))
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW) as raw:
        raw.sendto(ip + udp, ("127.0.0.1", 0))


def cpu_seconds(pid):
    """User + system CPU time of a process so far (/proc/PID/stat, clock ticks)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def udp_out_datagrams():
    """The kernel's count of UDP datagrams sent (/proc/net/snmp: all of this network
    namespace, so other programs add to it)."""
    with open("/proc/net/snmp") as snmp:
        rows = [line.split() for line in snmp if line.startswith("Udp:")]
    return int(rows[1][rows[0].index("OutDatagrams")])


def udp_self_loop(port, pid, workdir):
    """Issue 17.6: a datagram whose source is the server's own endpoint. tcpdump counts
    what goes from the port to itself: the spoofed datagram only, never an answer."""
    if os.geteuid() != 0:
        print("  (skipped: spoofing a source needs a raw socket, that is root)")
        return
    capture = os.path.join(workdir, "self.pcap")
    tcpdump = subprocess.Popen(["tcpdump", "-i", "lo", "-nn", "-U", "-w", capture,
                                f"udp and src port {port} and dst port {port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        tcpdump.stderr.readline()  # "listening on lo ..." once the filter is in place
        cpu, out, fds = cpu_seconds(pid), udp_out_datagrams(), server_figures(pid)
        spoofed_udp(b"who echoes the echo?", port, port)
        spoofed_udp(b"from port zero", 0, port)
        time.sleep(1.5)
        cpu, out = cpu_seconds(pid) - cpu, udp_out_datagrams() - out
        check(normal_exchange("udp-echo", port), "udp-echo: a client is answered after the spoofed datagrams")
    finally:
        tcpdump.send_signal(signal.SIGINT)
        tcpdump.wait(10)
    packets = subprocess.run(["tcpdump", "-nn", "-r", capture], capture_output=True, text=True).stdout.splitlines()
    check(len(packets) == 1, f"udp-echo: no answer to a datagram from its own port ({len(packets)} went port to port)")
    after = server_figures(pid)
    figures.append(f"udp-echo, spoofed from its own port: {len(packets)} datagrams port to port in 1.5 s, server CPU "
                   f"{cpu:.2f} s, Udp OutDatagrams +{out} (whole machine); fds {fds[0]} -> {after[0]}, "
                   f"VmRSS {fds[1]} -> {after[1]} KiB")


# ---------------------------------------------------------------- one lab


def abuse(binary, lab, port, workdir):
    print(f"== osilab serve {lab} (port {port})", flush=True)
    base = os.path.join(workdir, lab)
    root = os.path.join(base, "root")
    os.makedirs(os.path.join(root, "sub"))
    with open(os.path.join(root, "hello.txt"), "w") as handle:
        handle.write("hello world\n")
    with open(os.path.join(root, "big.bin"), "wb") as handle:
        handle.write(os.urandom(8 << 20))
    canary = Canary(os.path.join(base, "canary-secret.txt"))
    os.symlink(canary.path, os.path.join(root, "escape"))
    os.symlink(base, os.path.join(root, "escape-dir"))
    os.symlink(canary.path, os.path.join(root, "sub", "escape"))
    os.mkfifo(os.path.join(root, "fifo"))
    # The canary's own inode under a name in the folder: no path check can see it (#17.3).
    os.link(canary.path, os.path.join(root, "hardlink"))

    server = Server(binary, lab, port, root, base)
    try:
        check(normal_exchange(lab, port), f"{lab}: a normal client is answered before the abuse")
        time.sleep(0.3)
        before = descriptor_count(server.pid)
        canary.events()  # nothing should be pending; start counting now

        if lab == "udp-echo":
            udp_attacks(port)
            udp_self_loop(port, server.pid, base)
            answers = []
        else:
            served = concurrent_clients(lab, port, CONNECTIONS)
            check(served == CONNECTIONS, f"{lab}: {served} of {CONNECTIONS} concurrent clients were answered")
            trickle = start_trickle_reader(port) if lab == "files" else None
            answers = run_attacks(lab, port, canary, root, base)
            slot_attacks(lab, port, server.pid, figures, trickle)

        check(server.process.poll() is None, f"{lab}: the server is still running after the abuse")
        check(normal_exchange(lab, port), f"{lab}: a normal client is answered after the abuse")
        # Connections end asynchronously (the server notices each close): give it time.
        deadline = time.time() + 20
        after = descriptor_count(server.pid)
        while after > before and time.time() < deadline:
            time.sleep(0.2)
            after = descriptor_count(server.pid)
        check(after <= before, f"{lab}: open descriptors back to {before} after the abuse (now {after})")
        leaked = [a for a in answers if canary.leaked_in(a)]
        check(not leaked, f"{lab}: the canary's content appears in no answer ({len(leaked)} did)")
        opened = canary.events()
        check(opened == 0, f"{lab}: inotify saw no open or read of the canary ({opened} events)")
        check(canary.untouched(), f"{lab}: the canary's access time is unchanged")
    finally:
        code = server.stop()
    log = open(server.log_path, errors="replace").read()
    check(code == 0, f"{lab}: the server stopped cleanly on SIGINT (exit status {code})")
    check("Fatal error" not in log and "Segmentation" not in log, f"{lab}: no crash in the server's log")


def main():
    arguments = sys.argv[1:]
    if not arguments:
        sys.exit(__doc__)
    binary = os.path.abspath(arguments[0])
    labs = [arguments[i + 1] for i, a in enumerate(arguments) if a == "--lab"] or ["echo", "files", "remote", "udp-echo", "unread-log", "request-memory"]
    # 500 connections, plus the half-open and other clients, need more than the usual 1024
    # descriptors in this process; the server raises its own limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4096
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted, hard))
    print(f"descriptor limit: {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}")
    workdir = tempfile.mkdtemp(prefix="osilab-abuse-")
    started = time.time()
    try:
        for index, lab in enumerate(labs):
            try:
                if lab == "unread-log":
                    unread_log(binary, BASE_PORT + index, workdir)
                    continue
                if lab == "request-memory":
                    request_memory(binary, BASE_PORT + index, workdir)
                    continue
                abuse(binary, lab, BASE_PORT + index, workdir)
            except Exception as error:  # a harness failure is a failure, with its reason
                check(False, f"{lab}: the abuse run failed: {error!r}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for line in figures:
        print(f"  {line}")
    print(f"abuse: {checks - len(failures)} of {checks} checks held in {time.time() - started:.0f} s")
    if failures:
        print("Failed:\n  " + "\n  ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
