import TextUI
import Wire

// The OSI view in words: Wire's `layerBreakdown` says which header, which field, which value
// and which bytes; this names each in the learner's language. The byte ranges pass through
// untouched, so a field covers the same bytes in every language.

/// A packet broken down by OSI layer, every section and field named in one language.
public struct LayerBreakdown: Sendable {
    /// One field: its name, its value as text, and the bytes holding it.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
        public var bytes: Range<Int>
    }

    /// One header (or the application data, or a decode problem) at its OSI layer.
    public struct Section: Sendable, Hashable {
        /// 2 data link, 3 network, 4 transport, 7 application.
        public var osiLayer: Int
        /// "Data link", "Network" ... in the breakdown's language.
        public var osiLayerName: String
        /// "Ethernet II", "IPv4", "Application data" ...
        public var name: String
        public var bytes: Range<Int>
        public var fields: [Field]
        public var isError: Bool
    }

    public let language: Language
    let say: StringTable<LayerText>

    public init(language: Language = .english) {
        self.language = language
        say = StringTable(language)
    }

    /// Decodes `bytes` and names every section and field.
    public static func sections(_ bytes: [UInt8], linkType: LinkType, originalLength: Int? = nil,
                                language: Language = .english) -> [Section] {
        LayerBreakdown(language: language).name(layerBreakdown(bytes, linkType: linkType, originalLength: originalLength))
    }

    /// Names Wire's sections, keeping their order and byte ranges.
    public func name(_ sections: [LayerSection]) -> [Section] {
        sections.map { section in
            Section(osiLayer: section.osiLayer, osiLayerName: osiLayerName(section.osiLayer), name: name(of: section.name),
                    bytes: section.bytes,
                    fields: section.fields.map { Field(name: name(of: $0.name), value: text(of: $0.value), bytes: $0.bytes) },
                    isError: section.isError)
        }
    }

    /// "Data link", "Network", "Transport", "Application" ...
    public func osiLayerName(_ layer: Int) -> String {
        switch layer {
        case 1: say(.layerPhysical)
        case 2: say(.layerDataLink)
        case 3: say(.layerNetwork)
        case 4: say(.layerTransport)
        case 5: say(.layerSession)
        case 6: say(.layerPresentation)
        case 7: say(.layerApplication)
        default: say(.layerNumbered, "\(layer)")
        }
    }

    // MARK: Sections

    func name(of section: SectionName) -> String {
        switch section {
        case .ethernetII: say(.sectionEthernetII)
        case .ieee8023Ethernet: say(.sectionIEEE8023)
        case .bsdLoopback: say(.sectionBSDLoopback)
        case .openBSDLoopback: say(.sectionOpenBSDLoopback)
        case .linuxCooked: say(.sectionLinuxCooked)
        case .linuxCooked2: say(.sectionLinuxCooked2)
        case .ppp: say(.sectionPPP)
        case .vlanTag: say(.sectionVLANTag)
        case .serviceVLANTag(let tagProtocol): say(.sectionServiceVLANTag, hex(tagProtocol))
        case .llc: say(.sectionLLC)
        case .llcWithSNAP: say(.sectionLLCWithSNAP)
        case .pppoeDiscovery: say(.sectionPPPoEDiscovery)
        case .pppoeSession: say(.sectionPPPoESession)
        case .mplsLabel: say(.sectionMPLSLabel)
        case .ipv4: say(.sectionIPv4)
        case .ipv6: say(.sectionIPv6)
        case .tunnelIPv4: say(.sectionTunnelIPv4)
        case .tunnelIPv6: say(.sectionTunnelIPv6)
        case .ipv6Extension(let kind): say(.sectionIPv6Extension, extensionName(kind))
        case .arp: say(.sectionARP)
        case .esp: say(.sectionESP)
        case .tcp: say(.sectionTCP)
        case .udp: say(.sectionUDP)
        case .icmp(let isICMPv6): say(isICMPv6 ? .sectionICMPv6 : .sectionICMP)
        case .quotedDatagram: say(.sectionQuoted)
        case .icmpData(let isICMPv6): say(.sectionICMPData, say(isICMPv6 ? .sectionICMPv6 : .sectionICMP))
        case .applicationData: say(.sectionApplicationData)
        case .ethernetPadding: say(.sectionEthernetPadding)
        case .decodeError: say(.sectionDecodeError)
        case .undecoded(let what): undecodedName(what)
        }
    }

    func undecodedName(_ what: SectionName.Undecoded) -> String {
        switch what {
        case .pppoeDiscoveryTags: say(.undecodedPPPoETags)
        case .etherType(let type):
            etherTypeName(type).map { say(.undecodedEtherTypeNamed, hex(type.rawValue), $0) } ?? say(.undecodedEtherType, hex(type.rawValue))
        case .ppp(let pppProtocol): say(.undecodedPPP, pppProtocolText(pppProtocol))
        case .llc(let dsap): say(.undecodedLLC, sapText(dsap))
        case .loopbackFamily(let family): say(.undecodedLoopbackFamily, "\(family)")
        case .transport(let protocolNumber): say(.undecodedTransport, protocolName(protocolNumber), "\(protocolNumber.rawValue)")
        case .fragmentData: say(.undecodedFragment)
        }
    }

    func extensionName(_ kind: IPProtocol) -> String {
        switch kind {
        case .hopByHopOptions: say(.extHopByHop)
        case .routing: say(.extRouting)
        case .fragment: say(.extFragment)
        case .authenticationHeader: say(.extAuthentication)
        case .destinationOptions: say(.extDestinationOptions)
        case .mobility: say(.extMobility)
        default: say(.extOther, "\(kind.rawValue)")
        }
    }

    // MARK: Fields

    func name(of field: FieldName) -> String {
        switch field {
        case .destinationMAC: say(.fieldDestinationMAC)
        case .sourceMAC: say(.fieldSourceMAC)
        case .length: say(.fieldLength)
        case .etherType: say(.fieldEtherType)
        case .addressFamily: say(.fieldAddressFamily)
        case .address: say(.fieldAddress)
        case .control: say(.fieldControl)
        case .protocol: say(.fieldProtocol)
        case .priority: say(.fieldPriority)
        case .dropEligible: say(.fieldDropEligible)
        case .vlanID: say(.fieldVLANID)
        case .dsap: say(.fieldDSAP)
        case .ssap: say(.fieldSSAP)
        case .snapOrganisationCode: say(.fieldSNAPOrganisation)
        case .snapProtocol: say(.fieldSNAPProtocol)
        case .version: say(.fieldVersion)
        case .type: say(.fieldType)
        case .code: say(.fieldCode)
        case .sessionID: say(.fieldSessionID)
        case .pppProtocol: say(.fieldPPPProtocol)
        case .label: say(.fieldLabel)
        case .trafficClass: say(.fieldTrafficClass)
        case .bottomOfStack: say(.fieldBottomOfStack)
        case .ttl: say(.fieldTTL)
        case .payload: say(.fieldPayload)
        case .packetType: say(.fieldPacketType)
        case .hardwareType: say(.fieldHardwareType)
        case .addressLength: say(.fieldAddressLength)
        case .sourceAddress: say(.fieldSourceAddress)
        case .reserved: say(.fieldReserved)
        case .interfaceIndex: say(.fieldInterfaceIndex)
        case .headerLength: say(.fieldHeaderLength)
        case .dscp: say(.fieldDSCP)
        case .ecn: say(.fieldECN)
        case .totalLength: say(.fieldTotalLength)
        case .identification: say(.fieldIdentification)
        case .flags: say(.fieldFlags)
        case .fragmentOffset: say(.fieldFragmentOffset)
        case .headerChecksum: say(.fieldHeaderChecksum)
        case .destinationAddress: say(.fieldDestinationAddress)
        case .options: say(.fieldOptions)
        case .fragment: say(.fieldFragment)
        case .flowLabel: say(.fieldFlowLabel)
        case .payloadLength: say(.fieldPayloadLength)
        case .nextHeader: say(.fieldNextHeader)
        case .hopLimit: say(.fieldHopLimit)
        case .moreFragments: say(.fieldMoreFragments)
        case .securityParametersIndex: say(.fieldSecurityParametersIndex)
        case .sequenceNumber: say(.fieldSequenceNumber)
        case .integrityCheckValue: say(.fieldIntegrityCheckValue)
        case .optionsAndPadding: say(.fieldOptionsAndPadding)
        case .protocolType: say(.fieldProtocolType)
        case .hardwareAddressLength: say(.fieldHardwareAddressLength)
        case .protocolAddressLength: say(.fieldProtocolAddressLength)
        case .operation: say(.fieldOperation)
        case .senderMAC: say(.fieldSenderMAC)
        case .senderIP: say(.fieldSenderIP)
        case .targetMAC: say(.fieldTargetMAC)
        case .targetIP: say(.fieldTargetIP)
        case .addresses: say(.fieldAddresses)
        case .sourcePort: say(.fieldSourcePort)
        case .destinationPort: say(.fieldDestinationPort)
        case .checksum: say(.fieldChecksum)
        case .encryptedData: say(.fieldEncryptedData)
        case .acknowledgmentNumber: say(.fieldAcknowledgmentNumber)
        case .reservedBits: say(.fieldReservedBits)
        case .window: say(.fieldWindow)
        case .urgentPointer: say(.fieldUrgentPointer)
        case .option(let kind): say(.fieldOption, optionKindName(kind))
        case .optionsProblem: say(.fieldOptionsProblem)
        case .restOfHeader: say(.fieldRestOfHeader)
        case .identifierAndSequence: say(.fieldIdentifierAndSequence)
        case .mtu: say(.fieldMTU)
        case .originalSource: say(.fieldOriginalSource)
        case .originalDestination: say(.fieldOriginalDestination)
        case .originalProtocol: say(.fieldOriginalProtocol)
        case .originalPorts: say(.fieldOriginalPorts)
        case .captured: say(.fieldCaptured)
        case .text: say(.fieldText)
        case .bytes: say(.fieldBytes)
        case .layer: say(.fieldLayer)
        case .problem: say(.fieldProblem)
        case .capture: say(.fieldCapture)
        }
    }

    // MARK: Values

    func text(of value: FieldValue) -> String {
        switch value {
        case .number(let number): "\(number)"
        case .hex(let number, let digits): hex(number, digits: digits)
        case .byteCount(let count): bytesText(count)
        case .yesNo(let yes): say(yes ? .valueYes : .valueNo)
        case .mac(let mac): mac.description
        case .address(let address): address.description
        case .linkAddress(let bytes): bytes.isEmpty ? say(.valueNone) : bytes.map { hex2($0) }.joined(separator: ":")
        case .preview(let text): text
        case .ports(let source, let destination): "\(source) -> \(destination)"
        case .tcpFlags(let flags): flags.isEmpty ? say(.valueNoTCPFlags) : "\(flags) \(flags.tcpdumpStyle)"

        case .ieee8023Length(let length): say(.valueIEEE8023Length, "\(length)")
        case .etherType(let type): etherTypeText(type)
        case .loopbackFamily(let family, let order):
            say(.valueLoopbackFamily, familyName(family), say(order == .littleEndian ? .orderLittleEndian : .orderBigEndian))
        case .pppAllStations: say(.valuePPPAllStations)
        case .pppUnnumberedInformation: say(.valuePPPUnnumbered)
        case .pppProtocol(let pppProtocol, let compressed):
            compressed ? say(.valuePPPCompressed, pppProtocolText(pppProtocol)) : pppProtocolText(pppProtocol)
        case .sap(let sap): sapText(sap)
        case .snapOrganisation(let oui):
            oui == 0 ? say(.valueRFC1042, hex(UInt64(oui), digits: 6)) : hex(UInt64(oui), digits: 6)
        case .pppoeCode(let code, let isDiscovery): say(.withMeaning, hex(UInt64(code), digits: 2), pppoeCodeName(code, isDiscovery: isDiscovery))
        case .mplsLabel(let label): mplsLabelName(label).map { say(.withMeaning, "\(label)", $0) } ?? "\(label)"
        case .mplsInferredPayload(let isIPv6): say(.valueMPLSInferred, isIPv6 ? "IPv6" : "IPv4")
        case .linuxPacketType(let type): say(.withMeaning, "\(type.rawValue)", packetTypeName(type))
        case .linuxHardwareType(let type): linuxHardwareTypeText(type)
        case .arpHardwareType(let type): type == 1 ? say(.withMeaning, "1", say(.hardwareEthernet)) : "\(type)"
        case .arpOperation(let operation): say(.withMeaning, "\(operation)", arpOperationName(operation))
        case .ipv4HeaderLength(let length): say(.valueIPv4HeaderLength, "\(length)", "\(length / 4)")
        case .ecn(let ecn): ecnText(ecn)
        case .trafficClass(let trafficClass, let dscp, let ecn):
            say(.valueTrafficClass, hex2(trafficClass), "\(dscp)", ecnText(ecn))
        case .ipv4TotalLength(let length, let fromCapture):
            fromCapture ? say(.valueTotalLengthFromCapture, bytesText(length)) : bytesText(length)
        case .ipv6PayloadLength(let length, let fromCapture):
            fromCapture ? say(.valuePayloadLengthFromCapture, bytesText(length)) : bytesText(length)
        case .numberAndHex(let number): say(.withMeaning, "\(number)", hex(number))
        case .ipv4Flags(let reserved, let dontFragment, let moreFragments):
            ipv4FlagsText(reserved: reserved, dontFragment: dontFragment, moreFragments: moreFragments)
        case .ipv4FragmentOffset(let units, let byte): units == 0 ? "0" : say(.valueFragmentOffset, "\(units)", "\(byte)")
        case .ipv6FragmentOffset(let units, let byte): say(.valueIPv6FragmentOffset, "\(units)", "\(byte)")
        case .fragmentPosition(let isFirst): say(isFirst ? .valueFirstFragment : .valueLaterFragment)
        case .ipProtocol(let protocolNumber): say(.withMeaning, "\(protocolNumber.rawValue)", protocolName(protocolNumber))
        case .ipProtocolName(let protocolNumber): protocolName(protocolNumber)
        case .ipv4Checksum(let checksum, let valid, let expected):
            switch valid {
            case true?: say(.valueChecksumCorrect, hex(checksum))
            case false?: say(.valueChecksumWrong, hex(checksum), hex(expected))
            case nil: hex(checksum)
            }
        case .authenticationHeaderLength(let raw, let bytes): say(.valueAHLength, "\(raw)", "\(bytes)")
        case .extensionHeaderLength(let raw, let bytes): say(.valueExtensionLength, "\(raw)", "\(bytes)")
        case .undecodedAddresses(let count): say(.valueUndecodedAddresses, bytesText(count))
        case .udpLength(let length, let payload): say(.valueUDPLength, bytesText(length), "\(payload)")
        case .udpChecksum(let checksum): checksum == 0 ? say(.valueNoChecksum, hex(checksum)) : hex(checksum)
        case .encryptedData(let count): say(.valueEncrypted, bytesText(count))
        case .acknowledgment(let number, let isUsed): isUsed ? number.description : say(.valueAckUnused, number.description)
        case .tcpHeaderLength(let length): say(.valueTCPHeaderLength, "\(length)", "\(length / 4)")
        case .reservedBits(let bits): bits == 0 ? "0" : say(.valueShouldBeZero, "\(bits)")
        case .tcpOption(let option): optionText(option)
        case .tcpOptionProblem(let problem): optionProblemText(problem)
        case .icmpType(let type, let isICMPv6): say(.withMeaning, "\(type)", icmpTypeName(type, isICMPv6: isICMPv6))
        case .icmpCode(let code, let type, let isICMPv6):
            icmpCodeName(code, type: type, isICMPv6: isICMPv6).map { say(.withMeaning, "\(code)", $0) } ?? "\(code)"
        case .identifierAndSequence(let identifier, let sequence): say(.valueIdentifierAndSequence, "\(identifier)", "\(sequence)")
        case .partlyCaptured(let captured, let declared): say(.valuePartlyCaptured, bytesText(captured), "\(declared)")
        case .paddingLength(let count): say(.valuePadding, bytesText(count))
        case .paddingAfterPPPoE(let count): say(.valuePaddingAfterPPPoE, bytesText(count))
        case .protocolLayer(let layer): protocolLayerName(layer)
        case .decodeProblem(let error, let options): problemText(error, options: options)
        case .captureKept(let captured, let original): say(.valueCaptureKept, bytesText(captured), "\(original)")
        }
    }

    func bytesText(_ count: Int) -> String { count == 1 ? say(.valueOneByte) : say(.valueBytes, "\(count)") }

    // MARK: Names of protocol numbers

    /// The EtherType's name, nil when it has none.
    func etherTypeName(_ type: EtherType) -> String? {
        switch type.rawValue {
        case 0x8847: say(.etherTypeMPLSUnicast)
        case 0x8848: say(.etherTypeMPLSMulticast)
        case 0x8863: say(.etherTypePPPoEDiscovery)
        case 0x8864: say(.etherTypePPPoESession)
        default: type.name
        }
    }

    func etherTypeText(_ value: UInt16) -> String {
        say(.withMeaning, hex(value), etherTypeName(EtherType(value)) ?? say(.unknown))
    }

    func pppProtocolText(_ value: PPPProtocol) -> String {
        let name: String? = switch value.rawValue {
        case 0x0281: say(.etherTypeMPLSUnicast)
        case 0x0283: say(.etherTypeMPLSMulticast)
        default: value.name
        }
        return say(.withMeaning, hex(value.rawValue), name ?? say(.unknown))
    }

    /// The protocol's name, or `unknown(N)`.
    func protocolName(_ value: IPProtocol) -> String {
        switch value.rawValue {
        case 0: say(.protocolHopByHop)
        case 43: say(.protocolRouting)
        case 44: say(.protocolFragment)
        case 59: say(.protocolNoNextHeader)
        case 60: say(.protocolDestinationOptions)
        case 135: say(.protocolMobility)
        default: value.name ?? say(.unknownNumber, "\(value.rawValue)")
        }
    }

    func optionKindName(_ kind: TCPOptionKind) -> String {
        switch kind.rawValue {
        case 3: say(.kindWindowScale)
        case 4: say(.kindSACKPermitted)
        case 8: say(.kindTimestamps)
        case 19: say(.kindMD5Signature)
        case 28: say(.kindUserTimeout)
        case 34: say(.kindFastOpenCookie)
        default: kind.name ?? say(.unknownNumber, "\(kind.rawValue)")
        }
    }

    func sapText(_ sap: UInt8) -> String {
        let name: String? = switch sap & 0xfe {
        case 0x42: say(.sapSpanningTree)
        case 0xaa: "SNAP"
        case 0xe0: "IPX"
        case 0xf0: "NetBIOS"
        case 0x06: "IP"
        default: nil
        }
        return name.map { say(.withMeaning, hex(UInt64(sap), digits: 2), $0) } ?? hex(UInt64(sap), digits: 2)
    }

    func familyName(_ family: UInt32) -> String {
        switch family {
        case 2: say(.familyInet)
        case 10: say(.familyInet6, "Linux")
        case 24: say(.familyInet6, "NetBSD/OpenBSD")
        case 28: say(.familyInet6, "FreeBSD")
        case 30: say(.familyInet6, "Darwin")
        default: say(.unknownNumber, "\(family)")
        }
    }

    func pppoeCodeName(_ code: UInt8, isDiscovery: Bool) -> String {
        switch code {
        case 0x00 where !isDiscovery: say(.pppoeSessionData)
        case 0x09: say(.pppoePADI)
        case 0x07: say(.pppoePADO)
        case 0x19: say(.pppoePADR)
        case 0x65: say(.pppoePADS)
        case 0xa7: say(.pppoePADT)
        default: say(.unknownNumber, hex(UInt64(code), digits: 2))
        }
    }

    func mplsLabelName(_ label: UInt32) -> String? {
        switch label {
        case 0: say(.mplsIPv4ExplicitNull)
        case 1: say(.mplsRouterAlert)
        case 2: say(.mplsIPv6ExplicitNull)
        case 3: say(.mplsImplicitNull)
        default: nil
        }
    }

    func packetTypeName(_ type: LinuxPacketType) -> String {
        switch type.rawValue {
        case 0: say(.packetTypeToUs)
        case 1: say(.packetTypeBroadcast)
        case 2: say(.packetTypeMulticast)
        case 3: say(.packetTypeOtherHost)
        case 4: say(.packetTypeSentByUs)
        default: say(.unknownNumber, "\(type.rawValue)")
        }
    }

    func linuxHardwareTypeText(_ type: UInt16) -> String {
        let name: String? = switch type {
        case 1: say(.hardwareEthernet)
        case 772: say(.hardwareLoopback)
        case 776: say(.hardwareIPv6Tunnel)
        case 778: say(.hardwareGRETunnel)
        case 65534: say(.hardwareNone)
        default: nil
        }
        return name.map { say(.withMeaning, "\(type)", $0) } ?? "\(type)"
    }

    func arpOperationName(_ operation: UInt16) -> String {
        switch operation {
        case 1: say(.arpRequest)
        case 2: say(.arpReply)
        case 3: say(.arpReverseRequest)
        case 4: say(.arpReverseReply)
        default: say(.unknownNumber, "\(operation)")
        }
    }

    func ecnText(_ ecn: UInt8) -> String {
        switch ecn {
        case 0: say(.withMeaning, "0", say(.ecnNotCapable))
        case 1: say(.withMeaning, "1", "ECT(1)")
        case 2: say(.withMeaning, "2", "ECT(0)")
        default: say(.withMeaning, "3", say(.ecnCongestion))
        }
    }

    func ipv4FlagsText(reserved: Bool, dontFragment: Bool, moreFragments: Bool) -> String {
        var flags: [String] = []
        if reserved { flags.append(say(.flagEvil)) }
        if dontFragment { flags.append(say(.flagDF)) }
        if moreFragments { flags.append(say(.flagMF)) }
        return flags.isEmpty ? say(.valueNoFlags) : flags.joined(separator: say(.listSeparator))
    }

    func optionText(_ option: TCPOption.Value) -> String {
        switch option {
        case .endOfOptions: say(.optionEnd)
        case .noOperation: say(.optionPadding)
        case .maximumSegmentSize(let mss): bytesText(Int(mss))
        case .windowScale(let shift): say(.valueWindowScale, "\(shift)", "\(1 << min(Int(shift), 30))")
        case .sackPermitted: say(.valueYes)
        case .sack(let blocks): blocks.map { "\($0.left)-\($0.right)" }.joined(separator: ", ")
        case .timestamps(let ts): say(.valueTimestamps, "\(ts.value)", "\(ts.echo)")
        case .other(let data): data.isEmpty ? say(.valueNoData) : "0x" + data.map { hex2($0) }.joined()
        }
    }

    func optionProblemText(_ problem: TCPOptionProblem) -> String {
        let kind = optionKindName(problem.kind)
        let length = "\(problem.length ?? 0)"
        switch problem.reason {
        case .missingLength:
            return say(.optionMissingLength, kind)
        case .lengthBelowTwo:
            return say(.optionLengthBelowTwo, kind, length)
        case .runsPastHeader:
            return say(.optionRunsPastHeader, kind, length, "\(problem.remaining)")
        case .wrongLength:
            let expected: String = switch problem.kind {
            case .maximumSegmentSize: "4"
            case .windowScale: "3"
            case .sackPermitted: "2"
            case .sack: say(.optionSACKLength)
            default: "10"
            }
            return say(.optionWrongLength, kind, length, expected)
        }
    }

    func icmpTypeName(_ type: UInt8, isICMPv6: Bool) -> String {
        let id: LayerText? = if isICMPv6 {
            switch type {
            case 1: .icmpDestinationUnreachable
            case 2: .icmpPacketTooBig
            case 3: .icmpTimeExceeded
            case 4: .icmpParameterProblem
            case 128: .icmpEchoRequest
            case 129: .icmpEchoReply
            case 133: .icmpRouterSolicitation
            case 134: .icmpRouterAdvertisement
            case 135: .icmpNeighborSolicitation
            case 136: .icmpNeighborAdvertisement
            case 137: .icmpRedirect
            default: nil
            }
        } else {
            switch type {
            case 0: .icmpEchoReply
            case 3: .icmpDestinationUnreachable
            case 4: .icmpSourceQuench
            case 5: .icmpRedirect
            case 8: .icmpEchoRequest
            case 11: .icmpTimeExceeded
            case 12: .icmpParameterProblem
            case 13: .icmpTimestampRequest
            case 14: .icmpTimestampReply
            default: nil
            }
        }
        return id.map { say($0) } ?? say(.icmpType, "\(type)")
    }

    /// The code's meaning for destination unreachable and time exceeded, else nil.
    func icmpCodeName(_ code: UInt8, type: UInt8, isICMPv6: Bool) -> String? {
        let id: LayerText? = if isICMPv6 {
            switch (type, code) {
            case (1, 0): .codeNoRoute
            case (1, 1): .codeAdministrativelyProhibited
            case (1, 3): .codeAddressUnreachable
            case (1, 4): .codePortUnreachable
            case (3, 0): .codeHopLimitExceeded
            case (3, 1): .codeReassemblyTimeExceeded
            default: nil
            }
        } else {
            switch (type, code) {
            case (3, 0): .codeNetUnreachable
            case (3, 1): .codeHostUnreachable
            case (3, 2): .codeProtocolUnreachable
            case (3, 3): .codePortUnreachable
            case (3, 4): .codeFragmentationNeeded
            case (3, 13): .codeCommunicationProhibited
            case (11, 0): .codeTTLExceeded
            case (11, 1): .codeReassemblyTimeExceeded
            default: nil
            }
        }
        return id.map { say($0) }
    }

    /// The header a decode problem was found in, as a learner knows it (DecodeText.swift).
    func protocolLayerName(_ layer: ProtocolLayer) -> String {
        DecodeStrings(language).layerName(layer)
    }

    /// What went wrong, said from the decoder's facts (DecodeText.swift). A malformed TCP
    /// option carries its problem in the reason (said as the options field says it), so
    /// `options`, the same problem as Wire's field value holds it, adds nothing.
    func problemText(_ error: DecodeError, options _: TCPOptionProblem? = nil) -> String {
        DecodeStrings(language).problem(error)
    }

    // MARK: Hex

    func hex(_ value: UInt16) -> String { hex(UInt64(value), digits: 4) }

    /// `0x` and at least `digits` lower-case hex digits.
    func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    func hex2(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16)
        return text.count == 1 ? "0" + text : text
    }
}
