import TextUI
import Timeline
import Trace
import Wire

// Every sentence Timeline writes for the learner (the handshake explanation, the step-mode
// narration, the ladder's notes and call results) in English and Chinese. Protocol names,
// numbers and call names (`SYN`, `J+1`, `connect()`, `TIME-WAIT`, `ECONNREFUSED`) stay as
// they are in both languages: they are what the learner will meet in tcpdump and man pages.
// The English sentences are exactly the ones the lab printed before it spoke Chinese.

/// The id of a sentence Timeline shows.
public enum TimelineText: String, SentenceID {
    public static let namespace = "ladder"
    // Words put into other sentences
    case sideClient, sideServer, theProgram, theRole, waitedFor, checkHolds, checkFails, checkSeparator
    case stepSYN, stepSYNACK, stepFinalACK, stepData
    // The ladder
    case headerClient, headerServer
    case noteStep1, noteStep2, noteStep3, noteStep3Bare, noteCarriedByData, noteSYNAgain, noteSYNACKAgain, noteRefused
    case noteDataByte, noteDataBytes, noteSentAgain, noteZeroWindow, noteClosesFirst, noteClosesToo, noteLastACK
    case noteReset, noteMidstream, noteOneDatagram, noteAboutDatagram
    case noteMidstreamRelative, noteSYNData, noteSYNDataCounted, noteSYNDataNotTaken, noteSYNACKFirst, noteSYNAfterSYNACK
    case labelUDPByte, labelUDPBytes, rowUDPByte, rowUDPBytes
    case callCalled, callAfter, callStillWaiting, callByte, callBytes
    // The handshake explanation
    case explainNoSYN, explainSteps12, explainSteps12Wrong, explainStep3, explainStep3Wrong, explainStep3Missing
    case explainRelative, explainNoSYNACK
    case explainSteps12Data, explainSteps12DataNotTaken, explainSteps12DataWrong, explainCaptureOrder, explainMidstreamRelative
    case explainOnlySYNACK
    case explainConnectFailed, explainConnectAtSYNACK, explainConnectAtSYNACKWithACK, explainConnectAfterOther, explainConnectEarly
    case explainAcceptAtACK, explainAcceptAtACKWaited, explainAcceptAtData, explainAcceptAfterOther, explainAcceptEarly
    case explainAcceptStillWaiting, explainAcceptPending, explainDuration
    // Step-mode narration
    case narrateUDP, narrateICMP, narrateICMPAbout, narrateOther, narrateMeanwhile
    case narrateCallsAccept, narrateCallsConnect, narrateCallsRecv, narrateCallsSend, narrateCalls
    case narrateFails, narrateListenPort, narrateListen, narrateAcceptReturns, narrateConnectReturns
    case narrateRecvEnd, narrateRecvBytes, narrateSendReturns, narrateCloses, narrateShutdown, narrateReturns
    case narrateSYN, narrateSYNACK, narrateJPlusOneHolds, narrateJPlusOneBroken, narrateJPlusOnePlusData
    case narrateACK, narrateACKWithData, narrateKPlusOneHolds, narrateKPlusOneBroken
    case narrateSYNAgain, narrateSYNACKAgain, narrateRefused, narrateData, narrateDataAgain, narrateACKOnly
    case narrateZeroWindow, narrateFINFirst, narrateFINSecond, narrateFinalACK, narrateReset, narrateMidstream
}

/// Timeline's sentences in one language.
public typealias TimelineStrings = StringTable<TimelineText>

extension StringTable where ID == TimelineText {
    /// Timeline's sentences in `language`.
    public static func timeline(_ language: Language) -> TimelineStrings {
        TimelineStrings(language)
    }

    /// `client` or `server` (客户端, 服务器) for a side of the connection.
    func side(_ direction: Direction, sender: Bool) -> String {
        let client = (direction == .clientToServer) == sender
        return self(client ? .sideClient : .sideServer)
    }
}

extension PacketText {
    /// What the segment means, with the handshake arithmetic checked, in `strings`' language
    /// (the ladder's note column). In English it is exactly ``note(_:numbers:)``.
    public static func note(_ annotated: AnnotatedSegment, numbers: NumberStyle, strings: TimelineStrings) -> String? {
        let checks = annotated.checks.map { check in
            check.holds
                ? strings(.checkHolds, check.rule)
                : strings(.checkFails, check.rule, checkNumber(check.expected, check, numbers),
                          checkNumber(check.actual, check, numbers))
        }
        let separator = strings(.checkSeparator)
        let synData = String(annotated.segment.flags.contains(.syn) ? annotated.synDataLength : 0)
        switch annotated.role {
        case .handshakeSYN:
            var text = strings(.noteStep1)
            if annotated.synDataLength > 0 { text = strings(.noteSYNData, text, synData) }
            text += checks.map { separator + $0 }.joined() + synDataRemark(annotated, strings: strings)
            if case .synAfterSYNACK(let packet)? = annotated.captureOrder {
                text = strings(.noteSYNAfterSYNACK, text, String(packet))
            }
            return text
        case .handshakeSYNACK:
            var text = strings(.noteStep2, checks.map { separator + $0 }.joined())
            text += synDataRemark(annotated, strings: strings)
            if annotated.captureOrder == .synAckWithoutSYN { text = strings(.noteSYNACKFirst, text) }
            return text
        case .handshakeACK(let carriesData):
            let base = checks.isEmpty ? strings(.noteStep3Bare) : strings(.noteStep3, checks.joined(separator: separator))
            return carriesData ? strings(.noteCarriedByData, base) : base
        case .synRetransmission:
            return strings(.noteSYNAgain, String(annotated.copy))
        case .synAckRetransmission:
            return strings(.noteSYNACKAgain, String(annotated.copy))
        case .refused:
            return strings(.noteRefused, String(annotated.server.port))
        case .data:
            let length = annotated.segment.payloadLength
            return strings(length == 1 ? .noteDataByte : .noteDataBytes, String(length))
        case .retransmission:
            return strings(.noteSentAgain)
        case .ack:
            return nil
        case .zeroWindow:
            return strings(.noteZeroWindow)
        case .fin(let first):
            let side = strings.side(annotated.direction, sender: true)
            return strings(first ? .noteClosesFirst : .noteClosesToo, side)
        case .finalAck:
            return strings(.noteLastACK)
        case .reset:
            return strings(.noteReset)
        case .midstream:
            let relative = numbers == .relative && annotated.numberedFromFirstSeen
            return strings(relative ? .noteMidstreamRelative : .noteMidstream)
        }
    }

    /// A number of a failed check as the line shows its numbers: relative to J or K on a
    /// relative line (so `✗ (expected 101, got 111)` reads against `ack=111`), raw otherwise.
    static func checkNumber(_ value: SequenceNumber, _ check: NumberCheck, _ numbers: NumberStyle) -> String {
        guard numbers == .relative, let base = check.base else { return "\(value)" }
        return String(UInt32(bitPattern: value - base))
    }

    /// What the SYN's data does to step 2's arithmetic, said where the ack = J+1(+len) check is:
    /// nothing when the SYN carried none.
    static func synDataRemark(_ annotated: AnnotatedSegment, strings: TimelineStrings) -> String {
        guard annotated.synDataLength > 0, let check = annotated.checks.first else { return "" }
        let length = String(annotated.synDataLength)
        // The check's rule names the data when the ack was not J+1 alone (see ConnectionTracker.synAckCheck).
        let dataAcknowledged = check.rule.hasSuffix("+\(annotated.synDataLength)")
        if dataAcknowledged { return strings(.noteSYNDataCounted, "", length) }
        return check.holds ? strings(.noteSYNDataNotTaken, "", length) : ""
    }

    /// `connect() = 0 after 249 µs` (`connect() = 0，等了 249 µs`), in `strings`' language.
    /// In English it is exactly ``callResult(_:)``.
    public static func callResult(_ record: SyscallRecord, strings: TimelineStrings) -> String {
        let arguments = record.call == .listen || record.call == .shutdown ? record.detail : ""
        let name = "\(record.call)(\(arguments))"
        var text: String
        switch record.outcome {
        case .returned(let value)?:
            switch record.call {
            case .accept: text = "\(name) = fd \(value)"
            case .send, .recv, .sendto, .recvfrom, .sendfile: text = strings(value == 1 ? .callByte : .callBytes, name, String(value))
            default: text = "\(name) = \(value)"
            }
        case .failed(let errno, let errorName)?:
            text = "\(name) = -1 \(errorName) (\(errno))"
        case nil:
            text = strings(.callStillWaiting, name)
        }
        if Ladder.blockingCalls.contains(record.call), let blocked = record.blockedNanoseconds, blocked >= 1_000 {
            text = strings(.callAfter, text, formatDuration(nanoseconds: blocked))
        }
        return text
    }
}
