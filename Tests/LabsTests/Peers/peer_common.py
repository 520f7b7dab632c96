"""Shared by the test peers: where commands come from, and how a server reports its port."""
import sys


def commands(arguments):
    """The commands to send: the remaining arguments, or else the lines of standard input."""
    if arguments:
        return list(arguments)
    return [line.rstrip("\n") for line in sys.stdin]


def announce_port(server):
    """Prints the port the server is bound to (useful after binding port 0)."""
    print("PORT", server.getsockname()[1], flush=True)
