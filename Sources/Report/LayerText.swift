import TextUI

// The words of the OSI view (`--layers`): layer names, header and field names, and the notes
// beside a value, in English and Chinese. The facts come from Wire's `layerBreakdown`;
// `LayerBreakdown` chooses the sentence for each. Protocol field names every textbook and
// Wireshark use (TTL, DSAP, EtherType, PCP, DEI, MSS, SACK, IHL) stay as they are.

/// The id of a sentence of the OSI view.
public enum LayerText: String, SentenceID {
    public static let namespace = "layers"

    // The OSI layers.
    case layerPhysical, layerDataLink, layerNetwork, layerTransport, layerSession, layerPresentation, layerApplication
    case layerNumbered

    // The view around the sections (LayerView).
    case viewHeadingOneByte, viewHeadingBytes, viewHeadingOneByteOf, viewHeadingBytesOf
    case viewLayer, viewProblem, viewSectionTitle, viewNoBytes, viewBytes, viewLegendColour, viewLegendPlain

    // Section names.
    case sectionEthernetII, sectionIEEE8023, sectionBSDLoopback, sectionOpenBSDLoopback, sectionLinuxCooked, sectionLinuxCooked2
    case sectionPPP, sectionVLANTag, sectionServiceVLANTag, sectionLLC, sectionLLCWithSNAP
    case sectionPPPoEDiscovery, sectionPPPoESession, sectionMPLSLabel, sectionIPv4, sectionIPv6, sectionTunnelIPv4, sectionTunnelIPv6, sectionIPv6Extension
    case sectionARP, sectionESP, sectionTCP, sectionUDP, sectionICMP, sectionICMPv6, sectionQuoted, sectionICMPData
    case sectionApplicationData, sectionEthernetPadding, sectionDecodeError
    case undecodedPPPoETags, undecodedEtherTypeNamed, undecodedEtherType, undecodedPPP, undecodedLLC
    case undecodedLoopbackFamily, undecodedTransport, undecodedFragment
    case extHopByHop, extRouting, extFragment, extAuthentication, extDestinationOptions, extMobility, extOther

    // Field names.
    case fieldDestinationMAC, fieldSourceMAC, fieldLength, fieldEtherType, fieldAddressFamily, fieldAddress, fieldControl
    case fieldProtocol, fieldPriority, fieldDropEligible, fieldVLANID, fieldDSAP, fieldSSAP, fieldSNAPOrganisation
    case fieldSNAPProtocol, fieldVersion, fieldType, fieldCode, fieldSessionID, fieldPPPProtocol, fieldLabel
    case fieldTrafficClass, fieldBottomOfStack, fieldTTL, fieldPayload, fieldPacketType, fieldHardwareType
    case fieldAddressLength, fieldSourceAddress, fieldReserved, fieldInterfaceIndex
    case fieldHeaderLength, fieldDSCP, fieldECN, fieldTotalLength, fieldIdentification, fieldFlags, fieldFragmentOffset
    case fieldHeaderChecksum, fieldDestinationAddress, fieldOptions, fieldFragment, fieldFlowLabel, fieldPayloadLength
    case fieldNextHeader, fieldHopLimit, fieldMoreFragments, fieldSecurityParametersIndex, fieldSequenceNumber
    case fieldIntegrityCheckValue, fieldOptionsAndPadding, fieldProtocolType, fieldHardwareAddressLength
    case fieldProtocolAddressLength, fieldOperation, fieldSenderMAC, fieldSenderIP, fieldTargetMAC, fieldTargetIP, fieldAddresses
    case fieldSourcePort, fieldDestinationPort, fieldChecksum, fieldEncryptedData, fieldAcknowledgmentNumber
    case fieldReservedBits, fieldWindow, fieldUrgentPointer, fieldOption, fieldOptionsProblem
    case fieldRestOfHeader, fieldIdentifierAndSequence, fieldMTU
    case fieldOriginalSource, fieldOriginalDestination, fieldOriginalProtocol, fieldOriginalPorts
    case fieldCaptured, fieldText, fieldBytes, fieldLayer, fieldProblem, fieldCapture

    // Values and their notes.
    case withMeaning, unknown, unknownNumber, listSeparator
    case valueOneByte, valueBytes, valueYes, valueNo, valueNone
    case valueIEEE8023Length, valueLoopbackFamily, familyInet, familyInet6, orderLittleEndian, orderBigEndian
    case valuePPPAllStations, valuePPPUnnumbered, valuePPPCompressed, sapSpanningTree, valueRFC1042
    case pppoeSessionData, pppoePADI, pppoePADO, pppoePADR, pppoePADS, pppoePADT
    case mplsIPv4ExplicitNull, mplsRouterAlert, mplsIPv6ExplicitNull, mplsImplicitNull, valueMPLSInferred
    case packetTypeToUs, packetTypeBroadcast, packetTypeMulticast, packetTypeOtherHost, packetTypeSentByUs
    case hardwareEthernet, hardwareLoopback, hardwareIPv6Tunnel, hardwareGRETunnel, hardwareNone
    case valueIPv4HeaderLength, ecnNotCapable, ecnCongestion
    case valueTotalLengthFromCapture, valuePayloadLengthFromCapture
    case flagEvil, flagDF, flagMF, valueNoFlags, valueFragmentOffset
    case valueChecksumCorrect, valueChecksumWrong, valueFirstFragment, valueLaterFragment
    case valueTrafficClass, valueIPv6FragmentOffset, valueAHLength, valueExtensionLength
    case arpRequest, arpReply, arpReverseRequest, arpReverseReply, valueUndecodedAddresses
    case valueUDPLength, valueNoChecksum, valueEncrypted, valueAckUnused, valueTCPHeaderLength, valueShouldBeZero
    case valueNoTCPFlags
    case optionEnd, optionPadding, valueWindowScale, valueTimestamps, valueNoData
    case kindWindowScale, kindSACKPermitted, kindTimestamps, kindMD5Signature, kindUserTimeout, kindFastOpenCookie
    case optionMissingLength, optionLengthBelowTwo, optionRunsPastHeader, optionWrongLength, optionSACKLength
    case icmpEchoReply, icmpDestinationUnreachable, icmpSourceQuench, icmpRedirect, icmpEchoRequest, icmpTimeExceeded
    case icmpParameterProblem, icmpTimestampRequest, icmpTimestampReply, icmpPacketTooBig, icmpRouterSolicitation
    case icmpRouterAdvertisement, icmpNeighborSolicitation, icmpNeighborAdvertisement, icmpType
    case codeNoRoute, codeAdministrativelyProhibited, codeAddressUnreachable, codePortUnreachable, codeHopLimitExceeded
    case codeReassemblyTimeExceeded, codeNetUnreachable, codeHostUnreachable, codeProtocolUnreachable
    case codeFragmentationNeeded, codeCommunicationProhibited, codeTTLExceeded
    case valueIdentifierAndSequence, valuePartlyCaptured, valuePadding, valuePaddingAfterPPPoE, valueCaptureKept
    case etherTypeMPLSUnicast, etherTypeMPLSMulticast, etherTypePPPoEDiscovery, etherTypePPPoESession
    case protocolHopByHop, protocolRouting, protocolFragment, protocolNoNextHeader, protocolDestinationOptions, protocolMobility
}
