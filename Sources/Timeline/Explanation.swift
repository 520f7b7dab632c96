import Trace
import Wire

/// What a handshake timeline shows, in sentences, computed from the real packets and calls.
///
/// Every sentence is derived from the findings; when the kernel did something other than
/// what the lesson expects, the sentence says what actually happened instead.
public enum HandshakeExplanation {
    public static func sentences(for findings: HandshakeFindings, numbers: NumberStyle = .relative) -> [String] {
        var lines: [String] = []
        guard let syn = findings.syn else {
            return ["The capture holds no SYN for this connection, so its handshake was not seen."]
        }
        let j = syn.segment.sequence
        if let synAck = findings.synAck {
            let k = synAck.segment.sequence
            let ackHolds = synAck.segment.acknowledgment == j + 1
            lines.append("Step 1: the client's kernel sent SYN with seq J = \(j). "
                + "Step 2: the server's kernel answered SYN-ACK with its own seq K = \(k) and ack = \(synAck.segment.acknowledgment)"
                + (ackHolds ? ", which is J+1 as it must be." : ", which is NOT J+1 (\(j + 1)): something rewrote the numbers."))
            if let finalAck = findings.finalAck {
                let holds = finalAck.segment.acknowledgment == k + 1
                lines.append("Step 3: the client's kernel answered with ack = \(finalAck.segment.acknowledgment)"
                    + (holds ? " = K+1." : ", which is NOT K+1 (\(k + 1))."))
            } else {
                lines.append("Step 3 never reached the capture: the handshake is incomplete.")
            }
            if numbers == .relative {
                lines.append("The ladder shows relative numbers (J and K count as 0, as Wireshark does); "
                    + "add --absolute for the raw 32-bit values.")
            }
        } else {
            lines.append("The client sent SYN (seq J = \(j)), but no SYN-ACK came back.")
        }

        if let connect = findings.connect, let returned = connect.returned {
            switch (connect.outcome, findings.connectReturnedAfter) {
            case (.failed(_, let name)?, _):
                lines.append("connect() failed with \(name).")
            case (_, .synack?):
                var sentence = "connect() returned \(formatDuration(nanoseconds: gap(returned, findings.synAck)))"
                    + " after the SYN-ACK (step 2) arrived"
                if let ack = findings.finalAck, ack.segment.timestamp <= returned {
                    sentence += "; the client's kernel sent the final ACK itself while handling the SYN-ACK, "
                        + "\(formatDuration(nanoseconds: returned.nanoseconds(since: ack.segment.timestamp))) before connect() returned, "
                        + "without waiting for anything more from the server"
                }
                lines.append(sentence + ". So connect() returns at step 2.")
            case (_, let step?):
                lines.append("connect() returned after the server's \(name(step)), not after the SYN-ACK: "
                    + "this is not what the lesson expects, so look at the ladder closely.")
            case (_, nil):
                lines.append("connect() returned before any packet from the server was captured, "
                    + "which the capture cannot explain (were packets dropped? see the statistics).")
            }
        }

        if let accept = findings.accept, let returned = accept.returned {
            let waitedFromStart = findings.syn.map { accept.entered < $0.segment.timestamp } ?? false
            switch findings.acceptReturnedAfter {
            case .ack?:
                var sentence = "accept() returned \(formatDuration(nanoseconds: gap(returned, findings.finalAck)))"
                    + " after the final ACK (step 3) arrived: only then did the server's kernel move the connection "
                    + "to the accept queue"
                if waitedFromStart { sentence += "; it had been waiting since before the SYN" }
                lines.append(sentence + ". So accept() returns at step 3.")
            case .data?:
                lines.append("accept() returned after the client's first data segment, which also carried the "
                    + "acknowledgment (step 3); this happens when the pure ACK is lost or deferred (TCP_DEFER_ACCEPT).")
            case let step?:
                lines.append("accept() returned after the client's \(name(step)), before any final ACK was captured: "
                    + "not what the lesson expects.")
            case nil:
                lines.append("accept() returned before any packet from the client was captured.")
            }
            if let pending = findings.accept, pending.isPending {
                lines.append("accept() is still waiting.")
            }
        } else if let accept = findings.accept, accept.isPending {
            lines.append("accept() is still waiting: the server's kernel has not completed the handshake.")
        }

        if let synAck = findings.synAck, let ack = findings.finalAck {
            let total = ack.segment.timestamp.nanoseconds(since: syn.segment.timestamp)
            if total < 5_000_000 {
                lines.append("The whole handshake took \(formatDuration(nanoseconds: total)) (SYN to SYN-ACK "
                    + "\(formatDuration(nanoseconds: synAck.segment.timestamp.nanoseconds(since: syn.segment.timestamp)))): "
                    + "on loopback everything happens within microseconds, and the order of nearby events is all the "
                    + "timestamps can show. For proof that accept() waits for step 3, hold the ACK back: "
                    + "osilab experiment drop-final-ack.")
            }
        }
        return lines
    }

    static func gap(_ returned: Instant, _ segment: AnnotatedSegment?) -> Int64 {
        guard let segment else { return 0 }
        return returned.nanoseconds(since: segment.segment.timestamp)
    }

    static func name(_ step: HandshakeFindings.Step) -> String {
        switch step {
        case .syn: "SYN"
        case .synack: "SYN-ACK"
        case .ack: "final ACK"
        case .data: "data"
        }
    }
}

/// The timeline as JSON: one object per line and event, for scripts (`--json`).
public enum TimelineJSON {
    public static func lines(_ timeline: Timeline, numbers: NumberStyle) -> [String] {
        timeline.events.map { object(for: $0, numbers: numbers) }
    }

    public static func object(for event: TimelineEvent, numbers: NumberStyle) -> String {
        var fields: [(String, JSONValue)] = [("time", .string(event.time.description))]
        switch event {
        case .packet(let entry):
            fields.append(("event", .string("packet")))
            fields.append(("number", .int(entry.number)))
            switch entry.content {
            case .tcp(let annotated):
                let segment = annotated.segment
                fields += [
                    ("protocol", .string("tcp")), ("connection", .int(annotated.connection)),
                    ("source", .string(segment.source.description)), ("destination", .string(segment.destination.description)),
                    ("direction", .string(annotated.direction.rawValue)),
                    ("flags", .string(PacketText.flagName(segment.flags))),
                    ("seq", .int(Int(numbers == .relative ? annotated.relativeSequence ?? segment.sequence.rawValue : segment.sequence.rawValue))),
                    ("ack", segment.flags.contains(.ack)
                        ? .int(Int(numbers == .relative ? annotated.relativeAcknowledgment ?? segment.acknowledgment.rawValue : segment.acknowledgment.rawValue))
                        : .null),
                    ("absolute_seq", .int(Int(segment.sequence.rawValue))),
                    ("absolute_ack", .int(Int(segment.acknowledgment.rawValue))),
                    ("window", .int(Int(segment.window))), ("length", .int(segment.payloadLength)),
                    ("role", .string(roleName(annotated.role))),
                    ("step", annotated.step.map { .int($0) } ?? .null),
                    ("note", PacketText.note(annotated, numbers: numbers).map { .string($0) } ?? .null),
                    ("checks_hold", annotated.checks.isEmpty ? .null : .bool(annotated.checks.allSatisfy(\.holds))),
                ]
            case .udp(let source, let destination, let length):
                fields += [("protocol", .string("udp")), ("source", .string(source.description)),
                           ("destination", .string(destination.description)), ("length", .int(length))]
            case .icmp(let source, let destination, let summary, let quoted):
                fields += [("protocol", .string("icmp")), ("source", .string(source.description)),
                           ("destination", .string(destination.description)), ("summary", .string(summary))]
                if let quoted { fields.append(("about", .string("\(quoted.0) > \(quoted.1)"))) }
            case .other(let summary):
                fields += [("protocol", .string("other")), ("summary", .string(summary))]
            }
            if let remark = entry.remark {
                fields += [("remark", .string(remark.text)), ("dropped", .bool(remark.dropped))]
            }
        case .note(let note):
            fields += [("event", .string("note")), ("text", .string(note.text))]
        case .callEntered(let record), .callReturned(let record):
            let returned: Bool = if case .callReturned = event { true } else { false }
            fields += [
                ("event", .string(returned ? "call-returned" : "call-entered")),
                ("call", .string(record.call.rawValue)), ("role", .string(record.role)),
                ("fd", .int(Int(record.descriptor))),
                ("entered", .string(record.entered.description)),
            ]
            if returned {
                switch record.outcome {
                case .returned(let value)?: fields.append(("result", .int(value)))
                case .failed(let errno, let name)?:
                    fields += [("result", .int(-1)), ("errno", .int(Int(errno))), ("error", .string(name))]
                case nil: break
                }
            }
            if let local = record.local { fields.append(("local", .string(local.description))) }
            if let peer = record.peer { fields.append(("peer", .string(peer.description))) }
            if !record.detail.isEmpty { fields.append(("detail", .string(record.detail))) }
        }
        return JSONValue.object(fields).encoded
    }

    public static func roleName(_ role: SegmentRole) -> String {
        switch role {
        case .handshakeSYN: "handshake-syn"
        case .handshakeSYNACK: "handshake-synack"
        case .handshakeACK: "handshake-ack"
        case .synRetransmission: "syn-retransmission"
        case .synAckRetransmission: "synack-retransmission"
        case .refused: "refused"
        case .data: "data"
        case .retransmission: "retransmission"
        case .ack: "ack"
        case .zeroWindow: "zero-window"
        case .fin: "fin"
        case .finalAck: "final-ack"
        case .reset: "reset"
        case .midstream: "midstream"
        }
    }
}

/// A small JSON writer: enough for the lab's event lines, without Foundation.
public indirect enum JSONValue: Sendable, Hashable {
    case string(String), int(Int), bool(Bool), null
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.encoded == rhs.encoded }
    public func hash(into hasher: inout Hasher) { hasher.combine(encoded) }

    public var encoded: String {
        switch self {
        case .string(let text): return JSONValue.quote(text)
        case .int(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .object(let fields):
            return "{" + fields.map { JSONValue.quote($0.0) + ":" + $0.1.encoded }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259).
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
