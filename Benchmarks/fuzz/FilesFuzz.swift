#if canImport(Glibc)
import Glibc
#endif
import Labs
import TextUI

// libFuzzer target for the files lab's request path: the bytes a client sends, through
// FileRequest.parse and, for `get NAME`, FileRoot.open on a real folder that holds files,
// a subfolder and symbolic links leading out of it; and the same bytes as a listing through
// the client's FileListing.names.
//
// The check that matters is made with the kernel, not with osilab's own rules: whenever
// open succeeds, the file actually opened (readlink of /proc/self/fd/N) must lie inside the
// root, compared byte for byte.
//
// Seeds: Benchmarks/fuzz/corpus/files/. Built and run by Benchmarks/fuzz.sh.

/// The served folder and, beside it, what must never be served: made once per process.
let fuzzRoot: FileRoot = {
    // fuzz.sh points this into its work folder and removes it afterwards.
    let parent = getenv("OSILAB_FUZZ_SCRATCH").map { String(cString: $0) } ?? "/tmp"
    let base = parent + "/osilab-files-fuzz-\(getpid())"
    let outside = base + "/outside"
    mkdir(base, 0o755)
    mkdir(outside, 0o755)
    let secret = open(outside + "/secret.txt", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    if secret >= 0 { _ = write(secret, "secret\n", 7); close(secret) }
    // The root is named in NFC (`café`) beside its NFD twin (`cafe` + U+0301), which holds a
    // file that must never be served: a comparison of Unicode strings instead of bytes takes
    // the twin for the root (issue 17, item 3).
    let twin = base + "/cafe\u{301}"
    mkdir(twin, 0o755)
    let twinSecret = open(twin + "/secret.txt", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    if twinSecret >= 0 { _ = write(twinSecret, "twin secret\n", 12); close(twinSecret) }
    guard let root = try? FileRoot.prepare(at: base + "/caf\u{e9}") else {
        fatalError("cannot prepare the fuzz root under \(base)")
    }
    mkdir(root.path + "/sub", 0o755)
    let inner = open(root.path + "/sub/inner.txt", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if inner >= 0 { _ = write(inner, "inner\n", 6); close(inner) }
    symlink(outside + "/secret.txt", root.path + "/secret-link.txt")
    symlink(outside, root.path + "/outside-link")
    symlink("../outside", root.path + "/sub/up")
    symlink("inner.txt", root.path + "/sub/inner-link.txt")
    symlink(twin + "/secret.txt", root.path + "/twin.txt")
    // A second name for the outside file, made inside: only its link count tells.
    link(outside + "/secret.txt", root.path + "/hard.txt")
    return root
}()

/// Where an open descriptor really leads, as bytes.
func realBytes(of descriptor: Int32) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBufferPointer { raw in
        raw.baseAddress.map { pointer in
            pointer.withMemoryRebound(to: CChar.self, capacity: raw.count) { readlink("/proc/self/fd/\(descriptor)", $0, raw.count) }
        } ?? -1
    }
    return count > 0 ? Array(buffer.prefix(count)) : []
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let root = fuzzRoot
    switch FileRequest.parse(bytes) {
    case .failure(let refusal):
        say(refusal.sentence)
    case .success(.list):
        let listing = root.listing()
        let names = FileListing.names(in: FileListing.wire(listing))
        invariant(names.allSatisfy(listing.contains), "the listing's wire form names a file the folder does not hold")
    case .success(.get(let name)):
        switch root.open(name) {
        case .failure(let refusal):
            say(refusal.sentence)
        case .success(let file):
            let real = realBytes(of: file.descriptor)
            let inside = Array((root.path + "/").utf8)
            invariant(real.starts(with: inside),
                         "get \(name) opened \(String(decoding: real, as: UTF8.self)), outside \(root.path)")
            file.close()
        }
    }
    // The client reads a listing from whatever the server sent.
    _ = FileListing.names(in: bytes)
    return 0
}
