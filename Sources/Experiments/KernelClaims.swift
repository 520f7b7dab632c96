import Foundation
import Report
import SockDiag
import TextUI
import Timeline
import Trace
import Wire

/// The sentences of the claims the experiments check against the kernel's own socket table
/// (sampled during the run through NETLINK_SOCK_DIAG, ``KernelRecording``) and its counters.
/// A claim that reads differently when it holds and when it does not is two ids.
public enum KernelClaimText: String, SentenceID {
    public static let namespace = "kernelClaim"
    case nothing, arrow, notSampled, unseen
    case dropHeld, dropHeldWrong, dropEstablished, dropEstablishedEarly, dropEstablishedNever
    case dropCounters, dropCountersNoCapture, dropCountersWrong
    case noAcceptQueue, noAcceptQueueWrong, noAcceptSs, noAcceptSsWrong
    case noAcceptOverflow, noAcceptOverflowNoCapture, noAcceptOverflowWrong
    case teardownCloser, teardownCloserWrong, teardownPassive, teardownPassiveWrong
    case teardownResets, teardownResetsWrong
    case deferHeld, deferHeldWrong, deferEstablished, deferEstablishedWrong
    case refusedNoListener, refusedNoListenerWrong, refusedGone, refusedGoneSeen, refusedGoneWrong
    case nbQueue, nbQueueUnseen, nbQueueWrong
}

typealias KernelClaimStrings = StringTable<KernelClaimText>

/// A run's kernel samples, read for claims: which state a socket was in, sample by sample,
/// the listener's accept queue, and the counters' growth.
///
/// Samples are kept only when something changed, so "every sample in a window" means every
/// state the table showed in it. A state held for less than the gap between two samples
/// (on loopback a peer answers within microseconds) can be missed: the claims built on this
/// assert what must hold (the order of states, states never seen) and name what was not seen,
/// never that a missed state was there.
struct KernelView {
    let recording: KernelRecording

    /// nil when nothing was sampled (macOS, or the table could not be read).
    init?(_ recording: KernelRecording?) {
        guard let recording, !recording.unsupported, !recording.samples.isEmpty else { return nil }
        self.recording = recording
    }

    /// The line an experiment shows instead of its state claims when there are no samples.
    static func missing(_ recording: KernelRecording?, _ say: KernelClaimStrings) -> String {
        say(.notSampled, recording?.problem ?? "NETLINK_SOCK_DIAG")
    }

    /// The state of the socket from `local` to `remote` in `sample`, nil when it is not there.
    /// A request socket and the child that replaces it share their ends: the child wins.
    static func state(in sample: KernelSample, local: IPEndpoint, remote: IPEndpoint) -> TCPState? {
        var found: TCPState?
        for socket in sample.sockets where socket.local == local && socket.remote == remote {
            guard let state = socket.state else { continue }
            if found == nil || found?.isRequest == true { found = state }
        }
        return found
    }

    /// The samples that read the table after `start` and were done by `end`; when nothing
    /// changed in between, the last sample before `end`, whose state held all along.
    ///
    /// A sample shows the table at some moment between its ``KernelSample/asked`` and its
    /// ``KernelSample/time``: one asked before `start` (a full dump takes milliseconds, and a
    /// sample made on the calling thread may finish after it) can show what held before `start`.
    func samples(after start: Instant? = nil, through end: Instant? = nil) -> [KernelSample] {
        let inside = recording.samples.filter { sample in
            (start.map { sample.asked > $0 } ?? true) && (end.map { sample.time <= $0 } ?? true)
        }
        if inside.isEmpty, let end, let last = recording.sample(atOrBefore: end) { return [last] }
        return inside
    }

    /// The socket's state in each sample of the window, from the first sample that lists it
    /// (before that its ends may not have been known to the sampler yet).
    func states(local: IPEndpoint, remote: IPEndpoint, after start: Instant? = nil, through end: Instant? = nil) -> [TCPState?] {
        let all = samples(after: start, through: end).map { Self.state(in: $0, local: local, remote: remote) }
        return Array(all.drop { $0 == nil })
    }

    /// The states the socket went through, each once, in order (SYN-RECV before and after
    /// Linux 4.4 counted as one), and whether it had left the table by the last sample.
    func history(local: IPEndpoint, remote: IPEndpoint) -> (states: [TCPState], gone: Bool) {
        var seen: [TCPState] = []
        var last: TCPState?
        for sample in recording.samples {
            last = Self.state(in: sample, local: local, remote: remote)
            guard let state = last else { continue }
            if let previous = seen.last, previous.label == state.label { continue }
            seen.append(state)
        }
        return (seen, !seen.isEmpty && last == nil)
    }

    /// The first sample time at which the socket was in `state`.
    func firstTime(local: IPEndpoint, remote: IPEndpoint, in state: TCPState) -> Instant? {
        recording.samples.first { Self.state(in: $0, local: local, remote: remote) == state }?.time
    }

    /// The listener on `port` in each sample of the window: its accept queue's length and limit.
    func queue(port: UInt16, after start: Instant? = nil, through end: Instant? = nil) -> [(time: Instant, length: UInt32, limit: UInt32)] {
        samples(after: start, through: end).compactMap { sample in
            sample.sockets.first { $0.state == .listen && $0.local.port == port }.map { (sample.time, $0.receiveQueue, $0.sendQueue) }
        }
    }

    /// Whether any sample showed a socket listening on `port`.
    func hasListener(port: UInt16) -> Bool {
        recording.samples.contains { sample in sample.sockets.contains { $0.state == .listen && $0.local.port == port } }
    }

    /// How much a counter grew over the run (nil when the counters could not be read).
    func growth(_ name: String) -> Int64? {
        guard let start = recording.countersAtStart?[name], let end = recording.countersAtEnd?[name] else { return nil }
        return end &- start
    }

    /// A counter's value when sampling started.
    func initial(_ name: String) -> Int64? { recording.countersAtStart?[name] }

    /// How much a counter grew in the samples taken after `start`.
    func growth(_ name: String, after start: Instant) -> Int64 {
        recording.changes.reduce(0) { sum, change in
            if case .counter(name, let delta, _) = change.kind, change.time > start { return sum &+ delta }
            return sum
        }
    }

    /// `every 1.00 ms (longest gap 3.20 ms)`: what the sampling could see, for the sentences.
    var interval: String { formatDuration(nanoseconds: recording.intervalNanoseconds) }
    var longestGap: String { formatDuration(nanoseconds: recording.longestGapNanoseconds) }

    /// `ESTABLISHED → FIN-WAIT-2 → TIME-WAIT`.
    static func sequence(_ states: [TCPState?], gone: Bool = false, _ say: KernelClaimStrings) -> String {
        var words = states.map { $0?.label ?? say(.nothing) }
        if gone { words.append(TCPState.close.label) }
        return words.isEmpty ? say(.nothing) : words.joined(separator: say(.arrow))
    }

    /// The distinct states of a window, in order, as words.
    static func distinct(_ states: [TCPState?], _ say: KernelClaimStrings) -> String {
        var words: [String] = []
        for word in states.map({ $0?.label ?? say(.nothing) }) where words.last != word { words.append(word) }
        return words.isEmpty ? say(.nothing) : words.joined(separator: say(.arrow))
    }
}

extension TCPState {
    /// The listener's request socket for a SYN it answered (SYN-RECV, either numbering).
    var isRequest: Bool { self == .synRecv || self == .newSynRecv }

    /// As `ss` spells it, the spelling the facts use (`ESTAB`, `SYN-RECV`).
    var factValue: String { ssName }
}

/// What the kernel's table showed while a handshake was held back on the server's side:
/// the client connected, the server's side still a request socket.
struct HeldBack {
    var client: [TCPState?]
    var server: [TCPState?]
    var queue: [UInt32]
    var limit: UInt32?

    init(_ view: KernelView, client: IPEndpoint, server: IPEndpoint, after start: Instant, through end: Instant) {
        self.client = view.states(local: client, remote: server, after: start, through: end)
        self.server = view.states(local: server, remote: client, after: start, through: end)
        let queues = view.queue(port: server.port, after: start, through: end)
        queue = queues.map(\.length)
        limit = queues.last?.limit
    }

    var clientEstablished: Bool { !client.isEmpty && client.allSatisfy { $0 == .established } }
    var serverOnlyRequest: Bool { !server.isEmpty && server.allSatisfy { $0?.isRequest == true } }
    var queueEmpty: Bool { queue.allSatisfy { $0 == 0 } }
    var holds: Bool { clientEstablished && serverOnlyRequest && queueEmpty }

    /// The server side's state for the facts: ESTAB if it ever was, else SYN-RECV if seen.
    var serverFact: String {
        if server.contains(.established) { return TCPState.established.factValue }
        if server.contains(where: { $0?.isRequest == true }) { return TCPState.newSynRecv.factValue }
        return "none"
    }

    var clientFact: String {
        if client.contains(.established) { return TCPState.established.factValue }
        if client.contains(.synSent) { return TCPState.synSent.factValue }
        return "none"
    }

    func queueText(_ say: KernelClaimStrings) -> String {
        var lengths: [String] = []
        for length in queue.map(String.init) where lengths.last != length { lengths.append(length) }
        return (lengths.isEmpty ? say(.nothing) : lengths.joined(separator: say(.arrow))) + "/" + (limit.map(String.init) ?? "?")
    }
}

// MARK: drop-final-ack

extension DropFinalAck {
    /// While the rule holds step 3 back the client is ESTABLISHED and the server's side a
    /// request socket in SYN-RECV; it becomes ESTABLISHED only after the release; and the
    /// namespace's own counters count the SYN-ACK copies.
    func kernelClaims(_ outcome: inout ExperimentOutcome, _ observed: Observed, language: Language) {
        let say = KernelClaimStrings(language)
        guard let view = KernelView(outcome.run.kernel) else {
            outcome.explanation.claim(nil, KernelView.missing(outcome.run.kernel, say))
            return
        }
        let server = IPEndpoint(.v4(.loopback), Self.port)
        guard let client = observed.client,
              let connected = outcome.run.trace.first(where: { $0.call == .connect })?.returned else { return }
        let held = HeldBack(view, client: client, server: server, after: connected, through: observed.released)
        outcome.facts["server-state-while-held"] = held.serverFact
        outcome.facts["client-state-while-held"] = held.clientFact
        let window = formatDuration(nanoseconds: observed.released.nanoseconds(since: connected))
        outcome.explanation.claim(held.holds, held.holds
            ? say(.dropHeld, window, view.interval, held.queueText(say))
            : say(.dropHeldWrong, KernelView.distinct(held.client, say), KernelView.distinct(held.server, say),
                  held.queueText(say)))

        if let established = view.firstTime(local: server, remote: client, in: .established) {
            let after = established > observed.released
            outcome.explanation.claim(after, after
                ? say(.dropEstablished, formatDuration(nanoseconds: established.nanoseconds(since: observed.released)))
                : say(.dropEstablishedEarly, formatDuration(nanoseconds: observed.released.nanoseconds(since: established))))
        } else {
            outcome.explanation.claim(false, say(.dropEstablishedNever))
        }

        // A new namespace counts from zero, and nothing else runs in this one: its
        // TCPSynRetrans is exactly this server's SYN-ACK copies.
        let retrans = view.growth("TcpExt.TCPSynRetrans"), segments = view.growth("Tcp.RetransSegs")
        let start = view.initial("TcpExt.TCPSynRetrans")
        guard let retrans, let segments, let start else { return }
        if let copies = Int(outcome.facts["synack-retransmissions"] ?? "") {
            let holds = start == 0 && retrans == copies && copies >= 1
            outcome.explanation.claim(holds, holds
                ? say(.dropCounters, String(retrans), String(segments), String(copies))
                : say(.dropCountersWrong, String(retrans), String(start), String(copies)))
        } else {
            let holds = start == 0 && retrans >= 1
            outcome.explanation.claim(holds, holds
                ? say(.dropCountersNoCapture, String(retrans), String(segments))
                : say(.dropCountersWrong, String(retrans), String(start), "?"))
        }
    }
}

// MARK: no-accept

extension NoAccept {
    /// The accept queue fills one by one to backlog + 1, the `ss` snapshot agrees with the
    /// samples, and once it is full each SYN of the next client is dropped and counted.
    func kernelClaims(_ outcome: inout ExperimentOutcome, _ observed: Observed, port: UInt16, language: Language) {
        let say = KernelClaimStrings(language)
        guard let view = KernelView(outcome.run.kernel) else {
            outcome.explanation.claim(nil, KernelView.missing(outcome.run.kernel, say))
            return
        }
        let queue = view.queue(port: port)
        let lengths = queue.map { Int($0.length) }
        let peak = lengths.max() ?? 0
        outcome.facts["accept-queue-peak"] = String(peak)
        let full = Int(Self.backlog) + 1
        var steps: [Int] = []
        for length in lengths where steps.last != length { steps.append(length) }
        let rising = zip(steps.dropFirst(), steps).allSatisfy { $0 > $1 }
        let limits = Set(queue.map(\.limit))
        let holds = rising && peak == full && (1...full).allSatisfy(steps.contains) && limits == [UInt32(Self.backlog)]
        let stepsText = steps.map(String.init).joined(separator: say(.arrow))
        outcome.explanation.claim(holds, holds
            ? say(.noAcceptQueue, stepsText, String(Self.backlog), String(full))
            : say(.noAcceptQueueWrong, stepsText, limits.sorted().map(String.init).joined(separator: ","), String(full)))

        // ss -ltn ran after the last queued client's connect() returned, just before the next
        // client's: the last sample before that connect() shows the table ss saw.
        let connects = outcome.run.trace.filter { $0.call == .connect }
        if let ss = observed.after?.listener(port: port), connects.count > full {
            let sampled = view.queue(port: port, through: connects[full].entered).last
            let agrees = sampled.map { Int($0.length) == ss.receiveQueue && Int($0.limit) == ss.sendQueue } ?? false
            let text = sampled.map { "\($0.length)/\($0.limit)" } ?? say(.nothing)
            outcome.explanation.claim(agrees, agrees
                ? say(.noAcceptSs, String(ss.receiveQueue), String(ss.sendQueue))
                : say(.noAcceptSsWrong, String(ss.receiveQueue), String(ss.sendQueue), text))
        }

        // The client that found the queue full: its SYNs, and the counters after each.
        guard let extraIndex = observed.clients.firstIndex(where: { $0.error != nil }) else { return }
        let number = String(extraIndex + 1)
        let overflows = view.growth("TcpExt.ListenOverflows") ?? 0, drops = view.growth("TcpExt.ListenDrops") ?? 0
        let extraStates = observed.clients[extraIndex].endpoint.map { view.history(local: $0, remote: IPEndpoint(.v4(.loopback), port)).states }
            ?? []
        let waited = extraStates.contains(.synSent) && !extraStates.contains(.established)
        let fullWhileWaiting = connects.count > extraIndex
            && view.queue(port: port, after: connects[extraIndex].entered).allSatisfy { Int($0.length) == full }
        if outcome.captured, let extra = observed.clients[extraIndex].endpoint {
            let syns = outcome.segments.filter { $0.client == extra && $0.direction == .clientToServer && $0.segment.isSYN }
                .map(\.segment.timestamp)
            // At least one overflow per SYN from the first on: a sample delayed past the next SYN
            // sees two at once, and other programs' overflows in this namespace only add.
            let counted = syns.first.map { view.growth("TcpExt.ListenOverflows", after: $0) } ?? 0
            let holds = !syns.isEmpty && counted >= syns.count && waited && fullWhileWaiting
            outcome.facts["overflow-counted"] = !syns.isEmpty && counted >= syns.count ? "yes" : "no"
            outcome.explanation.claim(holds, holds
                ? say(.noAcceptOverflow, number, String(syns.count), String(overflows), String(drops), String(full),
                      String(Self.backlog))
                : say(.noAcceptOverflowWrong, number, String(syns.count), String(counted), KernelView.sequence(extraStates, say)))
        } else {
            let holds = overflows >= 1 && drops >= overflows && (waited || extraStates.isEmpty) && fullWhileWaiting
            outcome.facts["overflow-counted"] = overflows >= 1 ? "yes" : "no"
            outcome.explanation.claim(holds, holds
                ? say(.noAcceptOverflowNoCapture, number, String(overflows), String(drops))
                : say(.noAcceptOverflowWrong, number, "?", String(overflows), KernelView.sequence(extraStates, say)))
        }
    }
}

// MARK: teardown

extension Teardown {
    /// Connection 1: FIN-WAIT and TIME-WAIT on the client, which closed first, CLOSE-WAIT on
    /// the server; connections 2 and 3, ended by a reset: no closing state on either side.
    func kernelClaims(_ outcome: inout ExperimentOutcome, _ observed: Observed, port: UInt16, language: Language) {
        let say = KernelClaimStrings(language)
        guard let view = KernelView(outcome.run.kernel) else {
            outcome.explanation.claim(nil, KernelView.missing(outcome.run.kernel, say))
            return
        }
        let server = IPEndpoint(.v4(.loopback), port)
        guard let client = observed.clients[0] else { return }
        let closer = view.history(local: client, remote: server)
        let passive = view.history(local: server, remote: client)
        let closeWaitClient = closer.states.contains(.closeWait), closeWaitServer = passive.states.contains(.closeWait)
        outcome.facts["close-wait-side"] = closeWaitClient ? (closeWaitServer ? "both" : "client") : (closeWaitServer ? "server" : "none")

        // What must hold: the order of RFC 9293's active close, and nothing of the passive one.
        let activeOrder: [TCPState] = [.synSent, .established, .finWait1, .finWait2, .timeWait]
        let passiveOrder: [TCPState] = [.newSynRecv, .established, .closeWait, .lastAck]
        func inOrder(_ states: [TCPState], _ order: [TCPState]) -> Bool {
            let positions = states.map { state in order.firstIndex { $0.label == state.label } }
            guard positions.allSatisfy({ $0 != nil }) else { return false }
            let numbers = positions.compactMap { $0 }
            return zip(numbers.dropFirst(), numbers).allSatisfy { $0 > $1 }
        }
        let finWait = closer.states.contains(.finWait1) || closer.states.contains(.finWait2)
        let closerHolds = inOrder(closer.states, activeOrder) && finWait && closer.states.last == .timeWait
        outcome.explanation.claim(closerHolds, closerHolds
            ? say(.teardownCloser, KernelView.sequence(closer.states, say))
            : say(.teardownCloserWrong, KernelView.sequence(closer.states, gone: closer.gone, say)))
        let passiveHolds = inOrder(passive.states, passiveOrder) && closeWaitServer && passive.gone
        outcome.explanation.claim(passiveHolds, passiveHolds
            ? say(.teardownPassive, KernelView.sequence(passive.states, gone: true, say))
            : say(.teardownPassiveWrong, KernelView.sequence(passive.states, gone: passive.gone, say)))
        let missed = [TCPState.finWait1, .finWait2].filter { !closer.states.contains($0) }
            + [TCPState.lastAck].filter { !passive.states.contains($0) }
        if closerHolds && passiveHolds && !missed.isEmpty {
            outcome.explanation.context(say(.unseen, missed.map(\.label).joined(separator: ", "), view.interval, view.longestGap))
        }

        // 2 and 3: a reset ends both sides at once.
        var histories: [String] = []
        var resetsHold = true
        for number in [2, 3] {
            guard let client = observed.clients[number - 1] else { resetsHold = false; continue }
            for (local, remote) in [(client, server), (server, client)] {
                let history = view.history(local: local, remote: remote)
                let open = history.states.allSatisfy { [.synSent, .established].contains($0) || $0.isRequest }
                if !(open && history.gone && history.states.contains(.established)) { resetsHold = false }
                histories.append("[\(number)] \(local.port): " + KernelView.sequence(history.states, gone: history.gone, say))
            }
        }
        outcome.explanation.claim(resetsHold, resetsHold
            ? say(.teardownResets)
            : say(.teardownResetsWrong, histories.joined(separator: "; ")))
    }
}

// MARK: defer-accept

extension DeferAccept {
    /// From connect()'s return until the data, the server's side stays a request socket in
    /// SYN-RECV and out of the accept queue; with the data it becomes ESTABLISHED.
    /// - Returns: the server side's state while it waited, for the fact (nil: not sampled).
    func kernelClaims(_ outcome: inout ExperimentOutcome, _ observed: Observed, port: UInt16, language: Language) -> String? {
        let say = KernelClaimStrings(language)
        guard let view = KernelView(outcome.run.kernel) else {
            outcome.explanation.claim(nil, KernelView.missing(outcome.run.kernel, say))
            return nil
        }
        let server = IPEndpoint(.v4(.loopback), port)
        guard let client = observed.client, let sent = observed.dataSent,
              let connected = outcome.run.trace.first(where: { $0.call == .connect })?.returned else { return nil }
        let held = HeldBack(view, client: client, server: server, after: connected, through: sent)
        let window = formatDuration(nanoseconds: sent.nanoseconds(since: connected))
        outcome.explanation.claim(held.holds, held.holds
            ? say(.deferHeld, window, view.interval, held.queueText(say))
            : say(.deferHeldWrong, KernelView.distinct(held.client, say), KernelView.distinct(held.server, say),
                  held.queueText(say)))
        if let established = view.firstTime(local: server, remote: client, in: .established), established > sent {
            outcome.explanation.claim(true, say(.deferEstablished, formatDuration(nanoseconds: established.nanoseconds(since: sent))))
        } else {
            outcome.explanation.claim(false, say(.deferEstablishedWrong))
        }
        return held.serverFact
    }
}

// MARK: refused

extension Refused {
    /// No listener on the port in any sample; after each RST the client's socket is gone
    /// from the table (CLOSED), whether or not its microseconds in SYN-SENT were seen.
    func kernelClaims(_ outcome: inout ExperimentOutcome, port: UInt16, language: Language) {
        let say = KernelClaimStrings(language)
        guard let view = KernelView(outcome.run.kernel) else {
            outcome.explanation.claim(nil, KernelView.missing(outcome.run.kernel, say))
            return
        }
        let listening = view.hasListener(port: port)
        outcome.explanation.claim(!listening, !listening ? say(.refusedNoListener, String(port)) : say(.refusedNoListenerWrong, String(port)))
        guard outcome.captured else { return }
        let server = IPEndpoint(.v4(.loopback), port)
        let connects = outcome.run.trace.filter { $0.call == .connect }
        let syns = outcome.segments.filter { $0.role == .handshakeSYN }
        var states: [String] = []
        var gone = true, sawSynSent = false, longest: Int64 = 0
        var left: TCPState?
        for (connect, syn) in zip(connects, syns) {
            guard let returned = connect.returned else { gone = false; continue }
            let after = view.states(local: syn.client, remote: server, after: returned)
            let history = view.history(local: syn.client, remote: server)
            if let state = after.compactMap({ $0 }).last ?? history.states.first(where: { $0 == .established }) {
                gone = false
                left = state
            }
            if history.states.contains(.synSent) { sawSynSent = true }
            states.append(KernelView.sequence(history.states, gone: history.gone || after.isEmpty, say))
            if let reset = outcome.segments.first(where: { $0.role == .refused && $0.client == syn.client }) {
                longest = max(longest, reset.segment.timestamp.nanoseconds(since: syn.segment.timestamp))
            }
        }
        outcome.facts["client-state-after-rst"] = gone ? TCPState.close.rfcName : (left?.factValue ?? "none")
        let holds = gone && !syns.isEmpty
        outcome.explanation.claim(holds, holds
            ? (sawSynSent ? say(.refusedGoneSeen) : say(.refusedGone, formatDuration(nanoseconds: longest), view.interval))
            : say(.refusedGoneWrong, states.joined(separator: "; ")))
    }
}

// MARK: nonblocking

extension NonBlocking {
    /// Why the non-blocking accept() fails and the next one does not: the accept queue was
    /// empty, then held the connection the kernel finished by itself, then was empty again.
    func kernelClaims(_ outcome: inout ExperimentOutcome, port: UInt16, language: Language) {
        let say = KernelClaimStrings(language)
        guard let view = KernelView(outcome.run.kernel) else {
            outcome.explanation.claim(nil, KernelView.missing(outcome.run.kernel, say))
            return
        }
        let trace = outcome.run.trace
        let accepts = trace.filter { $0.call == .accept }
        guard let listened = trace.first(where: { $0.call == .listen })?.returned,
              let connect = trace.first(where: { $0.call == .connect }), accepts.count >= 2,
              let taken = accepts[1].returned else { return }
        let before = view.queue(port: port, after: listened, through: connect.entered)
        let between = view.queue(port: port, after: connect.entered, through: accepts[1].entered)
        let after = view.queue(port: port, after: taken).prefix(1)
        let limit = before.last?.limit ?? after.first?.limit ?? 0
        func text(_ queue: some Collection<(time: Instant, length: UInt32, limit: UInt32)>) -> String {
            queue.isEmpty ? say(.nothing) : Set(queue.map(\.length)).sorted().map(String.init).joined(separator: ",")
        }
        let holds = !before.isEmpty && before.allSatisfy { $0.length == 0 } && after.first?.length == 0
        guard holds else {
            outcome.explanation.claim(false, say(.nbQueueWrong, text(before), text(after)))
            return
        }
        if let held = between.map(\.length).max(), held >= 1 {
            outcome.explanation.claim(true, say(.nbQueue, String(limit), String(held)))
        } else {
            outcome.explanation.claim(true, say(.nbQueueUnseen, String(limit)))
        }
    }
}
