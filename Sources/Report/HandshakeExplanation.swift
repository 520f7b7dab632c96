import TextUI
import Timeline
import Trace
import Wire

/// What a handshake timeline shows, in sentences, computed from the real packets and calls.
///
/// Every sentence is derived from the findings; when the kernel did something other than
/// what the lesson expects, the sentence says what actually happened instead.
public enum HandshakeExplanation {
    /// The sentences, in `language` (protocol and call names and numbers stay as they are).
    public static func sentences(for findings: HandshakeFindings, numbers: NumberStyle = .relative,
                                 language: Language = .english) -> [String] {
        let say = TimelineStrings.timeline(language)
        var lines: [String] = []
        guard let syn = findings.syn else {
            // Without the SYN (and its SYN-ACK) the numbers count from the first segments seen.
            if let synAck = findings.synAck {
                return [say(.explainOnlySYNACK, "\(synAck.segment.acknowledgment - 1)")]
            }
            if numbers == .relative { return [say(.explainNoSYN), say(.explainMidstreamRelative)] }
            return [say(.explainNoSYN)]
        }
        let j = syn.segment.sequence
        if let synAck = findings.synAck {
            let k = synAck.segment.sequence
            let ack = synAck.segment.acknowledgment
            let data = syn.segment.payloadLength
            if data > 0 {
                // RFC 7413: J+1+len when the server takes the SYN's data, J+1 when it does not.
                if ack == j + 1 + data {
                    lines.append(say(.explainSteps12Data, "\(j)", String(data), "\(k)", "\(ack)"))
                } else if ack == j + 1 {
                    lines.append(say(.explainSteps12DataNotTaken, "\(j)", String(data), "\(k)", "\(ack)"))
                } else {
                    lines.append(say(.explainSteps12DataWrong, "\(j)", String(data), "\(k)", "\(ack)", "\(j + 1 + data)"))
                }
            } else {
                lines.append(ack == j + 1
                    ? say(.explainSteps12, "\(j)", "\(k)", "\(ack)")
                    : say(.explainSteps12Wrong, "\(j)", "\(k)", "\(ack)", "\(j + 1)"))
            }
            if synAck.segment.number < syn.segment.number {
                lines.append(say(.explainCaptureOrder, String(synAck.segment.number), String(syn.segment.number)))
            }
            if let finalAck = findings.finalAck {
                let final = finalAck.segment.acknowledgment
                lines.append(final == k + 1 ? say(.explainStep3, "\(final)") : say(.explainStep3Wrong, "\(final)", "\(k + 1)"))
            } else {
                lines.append(say(.explainStep3Missing))
            }
            if numbers == .relative {
                lines.append(say(.explainRelative))
            }
        } else {
            lines.append(say(.explainNoSYNACK, "\(j)"))
        }

        if let connect = findings.connect, let returned = connect.returned {
            switch (connect.outcome, findings.connectReturnedAfter) {
            case (.failed(_, let name)?, _):
                lines.append(say(.explainConnectFailed, name))
            case (_, .synack?):
                let after = formatDuration(nanoseconds: gap(returned, findings.synAck))
                if let ack = findings.finalAck, ack.segment.timestamp <= returned {
                    let before = formatDuration(nanoseconds: returned.nanoseconds(since: ack.segment.timestamp))
                    lines.append(say(.explainConnectAtSYNACKWithACK, after, before))
                } else {
                    lines.append(say(.explainConnectAtSYNACK, after))
                }
            case (_, let step?):
                lines.append(say(.explainConnectAfterOther, name(step, say)))
            case (_, nil):
                lines.append(say(.explainConnectEarly))
            }
        }

        if let accept = findings.accept, let returned = accept.returned {
            let waitedFromStart = findings.syn.map { accept.entered < $0.segment.timestamp } ?? false
            switch findings.acceptReturnedAfter {
            case .ack?:
                let after = formatDuration(nanoseconds: gap(returned, findings.finalAck))
                lines.append(say(waitedFromStart ? .explainAcceptAtACKWaited : .explainAcceptAtACK, after))
            case .data?:
                lines.append(say(.explainAcceptAtData))
            case let step?:
                lines.append(say(.explainAcceptAfterOther, name(step, say)))
            case nil:
                lines.append(say(.explainAcceptEarly))
            }
            if let pending = findings.accept, pending.isPending {
                lines.append(say(.explainAcceptStillWaiting))
            }
        } else if let accept = findings.accept, accept.isPending {
            lines.append(say(.explainAcceptPending))
        }

        if let synAck = findings.synAck, let ack = findings.finalAck {
            let total = ack.segment.timestamp.nanoseconds(since: syn.segment.timestamp)
            if total < 5_000_000 {
                let toSynAck = synAck.segment.timestamp.nanoseconds(since: syn.segment.timestamp)
                lines.append(say(.explainDuration, formatDuration(nanoseconds: total), formatDuration(nanoseconds: toSynAck)))
            }
        }
        return lines
    }

    static func gap(_ returned: Instant, _ segment: AnnotatedSegment?) -> Int64 {
        guard let segment else { return 0 }
        return returned.nanoseconds(since: segment.segment.timestamp)
    }

    static func name(_ step: HandshakeFindings.Step, _ say: TimelineStrings = .timeline(.english)) -> String {
        switch step {
        case .syn: say(.stepSYN)
        case .synack: say(.stepSYNACK)
        case .ack: say(.stepFinalACK)
        case .data: say(.stepData)
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
            case .other:
                let decoded = decodePacket(entry.packet.bytes, linkType: entry.packet.linkType, originalLength: entry.packet.originalLength)
                fields += [("protocol", .string("other")), ("summary", .string(ToolStrings(.english).otherSummary(decoded)))]
            }
            if let remark = entry.remark {
                fields += [("remark", .string(remark.text)), ("dropped", .bool(remark.dropped))]
            }
        case .note(let note):
            fields += [("event", .string("note")), ("text", .string(note.text))]
        case .kernel(let change):
            fields += KernelStateJSON.fields(change)
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

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259),
    /// and DEL, the C1 controls and the bidi controls too (``TerminalSafe/needsEscape(_:)``).
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // C1 and bidi controls need no escape in JSON, but the JSON is often read on a
            // terminal; as `\u0085` they decode to the same string and do nothing on screen.
            case _ where scalar.value < 0x20 || TerminalSafe.needsEscape(scalar):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
