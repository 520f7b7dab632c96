import TextUI
import Timeline
import Trace
import Wire

/// One sentence for each event of a timeline, for step mode (`osilab handshake --step`):
/// the learner reveals the events one at a time, like a simulator, but from a real capture.
public enum StepNarration {
    /// The sentence for `event`, in `language` (protocol and call names and numbers stay as they are).
    /// `timeline` (the one `event` is from) says whose socket a kernel-state change is.
    public static func sentence(for event: TimelineEvent, numbers: NumberStyle = .relative, language: Language = .english,
                                timeline: Timeline? = nil) -> String {
        sentence(for: event, numbers: numbers, language: language, sides: timeline.map { KernelSides(timeline: $0) } ?? KernelSides())
    }

    static func sentence(for event: TimelineEvent, numbers: NumberStyle, language: Language, sides: KernelSides) -> String {
        let say = TimelineStrings.timeline(language)
        switch event {
        case .kernel(let change):
            return KernelStateText.sentence(change, sides: sides, KernelStrings(language), say)
        case .callEntered(let record):
            return entered(record, say)
        case .callReturned(let record):
            return returned(record, say)
        case .packet(let entry):
            switch entry.content {
            case .tcp(let annotated):
                return packet(annotated, numbers: numbers, say)
            case .udp(let source, let destination, let length):
                return say(.narrateUDP, String(length), "\(source)", "\(destination)")
            case .icmp(let source, _, let summary, let quoted):
                if let (from, to) = quoted {
                    return say(.narrateICMPAbout, "\(source)", summary, "\(from)", "\(to)")
                }
                return say(.narrateICMP, "\(source)", summary)
            case .other:
                let decoded = decodePacket(entry.packet.bytes, linkType: entry.packet.linkType, originalLength: entry.packet.originalLength)
                return say(.narrateOther, ToolStrings(language).otherSummary(decoded))
            }
        case .note(let note):
            return say(.narrateMeanwhile, note.text)
        }
    }

    /// `The client`, `The server` (客户端, 服务器), or the role as the trace names it.
    static func side(_ record: SyscallRecord, _ say: TimelineStrings) -> String {
        switch record.role {
        case "": say(.theProgram)
        case "client": say(.theRole, say(.sideClient))
        case "server": say(.theRole, say(.sideServer))
        default: say(.theRole, record.role)
        }
    }

    static func entered(_ record: SyscallRecord, _ say: TimelineStrings) -> String {
        let who = side(record, say)
        switch record.call {
        case .accept: return say(.narrateCallsAccept, who)
        case .connect: return say(.narrateCallsConnect, who)
        case .recv, .recvfrom: return say(.narrateCallsRecv, who, "\(record.call)")
        case .send, .sendto: return say(.narrateCallsSend, who, "\(record.call)")
        default: return say(.narrateCalls, who, "\(record.call)")
        }
    }

    static func returned(_ record: SyscallRecord, _ say: TimelineStrings) -> String {
        let who = side(record, say)
        if case .failed(let errno, let name)? = record.outcome {
            return say(.narrateFails, "\(record.call)", name, "\(errno)")
        }
        let value: Int = if case .returned(let value)? = record.outcome { value } else { 0 }
        let waited = record.blockedNanoseconds.map { say(.waitedFor, formatDuration(nanoseconds: $0)) } ?? ""
        switch record.call {
        case .listen:
            if let port = record.local?.port { return say(.narrateListenPort, "\(port)") }
            return say(.narrateListen)
        case .accept:
            return say(.narrateAcceptReturns, "\(value)", waited)
        case .connect:
            return say(.narrateConnectReturns, waited)
        case .recv, .recvfrom:
            return value == 0
                ? say(.narrateRecvEnd, "\(record.call)")
                : say(.narrateRecvBytes, "\(record.call)", "\(value)", waited)
        case .send, .sendto:
            return say(.narrateSendReturns, "\(record.call)", "\(value)")
        case .close:
            return say(.narrateCloses, who)
        case .shutdown:
            return say(.narrateShutdown, record.detail)
        default:
            return say(.narrateReturns, "\(record.call)", "\(value)")
        }
    }

    static func packet(_ annotated: AnnotatedSegment, numbers: NumberStyle, _ say: TimelineStrings) -> String {
        let segment = annotated.segment
        let from = say.side(annotated.direction, sender: true)
        let to = say.side(annotated.direction, sender: false)
        let holds = annotated.checks.allSatisfy(\.holds)
        switch annotated.role {
        case .handshakeSYN:
            return say(.narrateSYN, "\(segment.sequence)")
        case .handshakeSYNACK:
            let dataCounted = holds && annotated.synDataLength > 0 && annotated.checks.contains { $0.rule.hasSuffix("+\(annotated.synDataLength)") }
            return say(.narrateSYNACK, "\(segment.sequence)", "\(segment.acknowledgment)",
                       dataCounted ? say(.narrateJPlusOnePlusData, String(annotated.synDataLength))
                           : say(holds ? .narrateJPlusOneHolds : .narrateJPlusOneBroken))
        case .handshakeACK(let carriesData):
            return say(carriesData ? .narrateACKWithData : .narrateACK, "\(segment.acknowledgment)",
                       say(holds ? .narrateKPlusOneHolds : .narrateKPlusOneBroken))
        case .synRetransmission:
            return say(.narrateSYNAgain)
        case .synAckRetransmission:
            return say(.narrateSYNACKAgain)
        case .refused:
            return say(.narrateRefused, "\(annotated.server.port)")
        case .data:
            return say(.narrateData, from, "\(segment.payloadLength)", to)
        case .retransmission:
            return say(.narrateDataAgain, from)
        case .ack:
            return say(.narrateACKOnly, from, annotated.relativeAcknowledgment.map(String.init) ?? segment.acknowledgment.description)
        case .zeroWindow:
            return say(.narrateZeroWindow, from, to)
        case .fin(let first):
            return say(first ? .narrateFINFirst : .narrateFINSecond, from)
        case .finalAck:
            return say(.narrateFinalACK, from)
        case .reset:
            return say(.narrateReset, from)
        case .midstream:
            return say(.narrateMidstream)
        }
    }
}
