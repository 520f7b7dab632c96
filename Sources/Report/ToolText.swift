import TextUI
import Timeline
import Wire

// The sentences of `osilab watch` and `osilab read`: what a packet line says besides the
// protocol's own tokens, the summary at the end, and the commands' start-up and stop lines.
// The per-packet notes are the ladder's (``TimelineText``); English lines keep their fast
// path (PacketLines.swift) and these sentences say exactly what it writes.

/// The id of a sentence `osilab watch` and `osilab read` show.
public enum ToolText: String, SentenceID {
    public static let namespace = "tools"
    // Packet lines
    case inParentheses, inTunnel, icmpAbout, icmpTypeAndCode, icmpType
    case icmpEchoReply, icmpDestinationUnreachable, icmpSourceQuench, icmpRedirect, icmpEchoRequest
    case icmpTimeExceeded, icmpParameterProblem, icmpTimestampRequest, icmpTimestampReply, icmpPacketTooBig
    case icmpRouterSolicitation, icmpRouterAdvertisement, icmpNeighborSolicitation, icmpNeighborAdvertisement
    case icmpNetUnreachable, icmpHostUnreachable, icmpProtocolUnreachable, icmpPortUnreachable
    case icmpFragmentationNeeded, icmpCommunicationProhibited, icmpTTLExceeded, icmpReassemblyTimeExceeded
    case icmpNoRoute, icmpAdministrativelyProhibited, icmpAddressUnreachable, icmpHopLimitExceeded
    case otherUndecodable, otherIPv4Protocol, otherIPv6NextHeader, otherLinkFrame, otherFragment
    case invalidMicroseconds, invalidNanoseconds
    // The summary after the last packet
    case summaryPacket, summaryPackets, summaryConnection, summaryConnections, summaryUnfinished, summaryUndecodable
    case summarySeparator
    // osilab watch and osilab read
    case watchNeedsPrivilege, watchRecordedInstead, watchCannotRun
    case watchCapturing, watchCapturingFiltered, watchCapturingWhile, watchCapturingFilteredWhile
    case watchSaved, watchCountAtLeastOne, watchSnapLengthRange
    // osilab help zh
    case helpPointer
}

/// The sentences of `osilab watch` and `osilab read` in one language.
public typealias ToolStrings = StringTable<ToolText>

extension StringTable where ID == ToolText {
    /// What an ICMP message is, by its type and code: `destination unreachable: port
    /// unreachable` (目的不可达：端口不可达). In English it is exactly Wire's
    /// `typeName` and `codeName` as ``Timeline/describeOther(_:)`` joins them.
    public func icmpSummary(_ message: ICMPMessage) -> String {
        let type = icmpTypeName(message)
        guard let code = icmpCodeName(message) else { return type }
        return self(.icmpTypeAndCode, type, code)
    }

    func icmpTypeName(_ message: ICMPMessage) -> String {
        let id: ToolText?
        if message.isICMPv6 {
            switch message.type {
            case 1: id = .icmpDestinationUnreachable
            case 2: id = .icmpPacketTooBig
            case 3: id = .icmpTimeExceeded
            case 4: id = .icmpParameterProblem
            case 128: id = .icmpEchoRequest
            case 129: id = .icmpEchoReply
            case 133: id = .icmpRouterSolicitation
            case 134: id = .icmpRouterAdvertisement
            case 135: id = .icmpNeighborSolicitation
            case 136: id = .icmpNeighborAdvertisement
            case 137: id = .icmpRedirect
            default: id = nil
            }
        } else {
            switch message.type {
            case 0: id = .icmpEchoReply
            case 3: id = .icmpDestinationUnreachable
            case 4: id = .icmpSourceQuench
            case 5: id = .icmpRedirect
            case 8: id = .icmpEchoRequest
            case 11: id = .icmpTimeExceeded
            case 12: id = .icmpParameterProblem
            case 13: id = .icmpTimestampRequest
            case 14: id = .icmpTimestampReply
            default: id = nil
            }
        }
        return id.map { self($0) } ?? self(.icmpType, String(message.type))
    }

    func icmpCodeName(_ message: ICMPMessage) -> String? {
        let id: ToolText?
        if message.isICMPv6 {
            switch (message.type, message.code) {
            case (1, 0): id = .icmpNoRoute
            case (1, 1): id = .icmpAdministrativelyProhibited
            case (1, 3): id = .icmpAddressUnreachable
            case (1, 4): id = .icmpPortUnreachable
            case (3, 0): id = .icmpHopLimitExceeded
            case (3, 1): id = .icmpReassemblyTimeExceeded
            default: id = nil
            }
        } else {
            switch (message.type, message.code) {
            case (3, 0): id = .icmpNetUnreachable
            case (3, 1): id = .icmpHostUnreachable
            case (3, 2): id = .icmpProtocolUnreachable
            case (3, 3): id = .icmpPortUnreachable
            case (3, 4): id = .icmpFragmentationNeeded
            case (3, 13): id = .icmpCommunicationProhibited
            case (11, 0): id = .icmpTTLExceeded
            case (11, 1): id = .icmpReassemblyTimeExceeded
            default: id = nil
            }
        }
        return id.map { self($0) }
    }

    /// What a packet that is neither TCP, UDP nor ICMP is, as ``Timeline/describeOther(_:)``
    /// says it in English.
    public func otherSummary(_ packet: DecodedPacket) -> String {
        if let error = packet.error { return self(.otherUndecodable, DecodeStrings(language).describe(error)) }
        if let fragment = Timeline.laterFragment(packet) {
            return self(.otherFragment, "\(fragment.source)", "\(fragment.destination)", fragment.version, String(fragment.offset),
                        fragment.identification, "\(fragment.protocol)")
        }
        switch packet.network {
        case .arp: return "ARP"
        case .ipv4(let header): return self(.otherIPv4Protocol, "\(header.protocol)")
        case .ipv6(let header): return self(.otherIPv6NextHeader, "\(header.upperLayerProtocol)")
        case .other(let type): return "EtherType \(type)"
        default: return self(.otherLinkFrame)
        }
    }

    /// `11 packets, 1 TCP connection, 1 with an unfinished handshake` (11 个报文，1 个 TCP 连接，…).
    public func summary(packets: Int, connections: Int, unfinished: Int, undecodable: Int) -> String {
        var parts = [self(packets == 1 ? .summaryPacket : .summaryPackets, String(packets)),
                     self(connections == 1 ? .summaryConnection : .summaryConnections, String(connections))]
        if unfinished > 0 { parts.append(self(.summaryUnfinished, String(unfinished))) }
        if undecodable > 0 { parts.append(self(.summaryUndecodable, String(undecodable))) }
        return parts.joined(separator: self(.summarySeparator))
    }
}
