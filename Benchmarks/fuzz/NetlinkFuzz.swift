import Report
import SockDiag
import TextUI
import Trace
import Wire

// libFuzzer target for what osilab reads from the kernel's socket table and counters: the
// bytes as a NETLINK_SOCK_DIAG reply (SockDiagReply.parse), as a tcp_info attribute, and as
// the text of /proc/net/netstat; then two replies as two samples of a run, through the
// changes the timeline and the presenters draw from them.
//
//   byte 0     where the input splits into the first and the second reply (modulo its size)
//   the rest   the two replies, exactly as recv() would have returned them
//
// Seeds: Benchmarks/fuzz/corpus/netlink/ (a real dump recorded by
// Tests/KernelStateTests/Fixtures/record-dump.py, and cuts of it). Built and run by Benchmarks/fuzz.sh.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let split = bytes.isEmpty ? 0 : Int(data[0]) * 8 % (bytes.count + 1)
    let first = SockDiagReply.parse(Array(bytes[..<split]))
    let second = SockDiagReply.parse(Array(bytes[split...]))
    // A socket record takes at least 16 + 72 bytes: more sockets than that is a misread.
    check(first.sockets.count * 88 <= split, "\(first.sockets.count) sockets from \(split) bytes")
    check(second.sockets.count * 88 <= bytes.count - split, "\(second.sockets.count) sockets from \(bytes.count - split) bytes")
    if let info = TCPInfo(bytes) {
        check(info.length == bytes.count, "tcp_info length \(info.length) of \(bytes.count) bytes")
        check((info.peerWindow != nil) == (bytes.count >= 232), "the peer window read past tcp_info's end")
    }
    if let counters = try? NetstatCounters.parse(String(decoding: bytes, as: UTF8.self)) {
        _ = counters.changes(since: NetstatCounters())
    }
    // Two samples of a run, stamped 1 ms apart, with made-up counters from the same bytes.
    let start = Instant(nanosecondsSinceEpoch: 1_800_000_000_000_000_000)
    let later = start.adding(nanoseconds: 1_000_000)
    let recording = KernelRecording(samples: [
        KernelSample(time: start, asked: start, sockets: first.sockets, counters: NetstatCounters()),
        KernelSample(time: later, asked: later, sockets: second.sockets,
                     counters: NetstatCounters(values: ["TcpExt.ListenOverflows": Int64(bytes.count)])),
    ], taken: 2)
    let changes = recording.changes
    check(changes.allSatisfy { $0.time == start || $0.time == later }, "a change stamped outside its samples")
    _ = recording.sample(atOrBefore: later)
    for language in Language.allCases {
        _ = KernelStateText.summary(recording, language: language)
        for change in changes { _ = KernelStateText.liveLine(change, language: language) }
        if let socket = second.sockets.first {
            _ = KernelStateText.infoLines(recording, at: later, client: socket.local, server: socket.remote, language: language)
        }
    }
    return 0
}

/// A broken promise is a crash libFuzzer keeps, with the input that broke it.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("netlink fuzz: " + message()) }
}
