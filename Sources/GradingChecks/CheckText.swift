import TextUI

// Every sentence a failed check shows the learner, by id; the sentences themselves are in
// `Sources/TextUI/Sentences` (English.swift, Chinese.swift), section `grading`. Ids are
// grouped as the check files use them: common machinery first, then exercise by exercise.
// A socket error the learner's code threw is said by the Sockets module (`SocketText`).

/// The id of a sentence the grading checks show.
public enum CheckText: String, SentenceID {
    public static let namespace = "grading"
    case inContext, shortenedBytes, hangNoTrace, hangWaiting, hangWaitingWhy, hangLoop, hangAccept
    case hangRecv, hangSend, hangConnect, spinWatch
    case gradingNoListener, gradingNoListeners
    case gradingNoFreePort, openPortPlaceholder, openPortErrno, refusedWindows, refusedZero
    case refusedPlaceholder, refusedErrno, callProbeTimes, probesLeak, scanWrong, nothing, gradingNoUDP
    case gradingClientFailed, datagramReturnedEarly, datagramRecvfromAdvice, serveDatagramsThrew
    case datagramNoEcho, datagramWrongEcho, datagramSenders, datagramApart, datagramEmpty
    case gradingNoEchoServer, countMessage, countMessages, countReply, countReplies, echoClientCount
    case echoClientPartial, echoClientBrokenUTF8, echoClientWrong, echoClientThrew, captureNeedsPrivilege
    case captureFailed, noSYN, incompleteHandshake, endedWithReset, clientNoFIN, serverNoFIN
    case serverClosedFirst, gradingCouldNotListen, echoServerRecvAdvice, echoServerAcceptAdvice
    case afterClientClosed, serveOneEchoClientThrew, serverReturnedAlready, echoSendFailed
    case echoClosedBeforeAnswer, echoNoAnswerReturned, echoNoAnswer, echoUnchanged, beforeConnectionClosed
    case echoWrongReply, echoNotClosed, handshakeWrong, captureTooShort, captureUnreadable
    case situationRealCapture, whyRealCapture, situationOtherTraffic, whyOtherTraffic, situationTwoClients
    case whyTwoClients, situationRepeatedSYN, whyRepeatedSYN, situationNoFinalAck, whyNoFinalAck
    case situationRefused, whyRefused, situationAckIsJ, whyAckIsJ, situationAckIsK, whyAckIsK
    case situationRefusedThenConnected, whyRefusedThenConnected, situationWrapsAround, whyWrapsAround
    case layerPhysical, layerDataLink, layerNetwork, layerTransport, layerSession, layerPresentation
    case layerApplication, layerNamed, layerNotALayer, layerWrong, whyRepeater, whyHub, whyModem
    case whyDataLinkProtocol, whyEthernet, whySTP, whySwitch, whyBridge, whyIP, whyIPX, whyRIP, whyOSPF
    case whyRouter, whyTransport, whySPX, whyApplication, layerCaseAndSpaces, layerUnknownName
    case whyUnitBit, whyUnitFrame, whyUnitPacket, whyUnitSegment, whyUnitDatagram, whyUnitMessage, whyUnitUnknown
    case dataUnitWrong, whyPrefixOneByte, whyPrefixFiveBytes, whyPrefixEmpty, whyPrefixCountsBytes
    case whyPrefix1200, whyPrefix70000, frameWrongPrefix, frameNoPrefix, frameWrong, readerWrong
    case readerHintBrokenUTF8, readerHintTooMany, readerHintTooFew, situationStuckTogether, readerEarly
    case readerRest, situationByteByByte, cutBetweenMessages, cutInsideLength, cutInsideBytes
    case cutInsideCharacter, situationCut, situationRandomChunks, situationRoundTrip
    case makeListeningSocketThrew, notTCP, noAddressAtAll, neverBound, boundToAny, notLoopback, wrongPort
    case gradingNoClientSocket, notListening, clientConnectFailed, nothingToAccept, gradingNoPortToAsk
    case noReuseAddress, restartFailed, gradingNoOwnListener, noAddress, portInUseReturned
    case portInUseWrongError, gradingClientOfFailed, manyAcceptAdvice, afterEveryClientClosed
    case serveClientsThrew, problemCouldNotSend, problemClosed, problemNoAnswer, problemOnly
    case silentClientBlocks, fiveAtOnce, fiveAnsweredAlready, twoClients, returnedWhileConnected
    case couldNotConnectLoopback, readExactlyAdvice, readShort, readWrong, readThrew, situationOneSend
    case situationThreePieces, situationNextMessage, tookTooMuch, zeroBytesAdvice, zeroReturned, zeroThrew
    case closedEarlyReturned, closedEarlyWrongError, remoteRecvAdvice, noCommand, commandStuck
    case yourFunctionReturned, noAcknowledgement, wrongCommand, outputEmpty, outputPartial
    case outputBrokenUTF8, runRemoteCommandThrew, remoteClosedEarlyReturned, remoteClosedEarlyKeptCalling
    case remoteClosedEarlyWrongError, badSizeReturned, badSizeWrongError, gradingNoFolders, shouldServe
    case notAbsolute, wrongFile, mustRefuse, whyParentLeadsOut, whyParentResolved, whySameLetters
    case absoluteServed, whyLinkOut, whyDirOut, whyEmptyName, whySubIsAFolder, whyDeeperIsAFolder
    case whyNoSuchFile, whyDotIsTheRoot, sendingToStingyPeer, countCall, countCalls, sentPart
    case sentFromStart, sendThrewAllSucceeded, nothingToSend, sendThrewEmpty, brokenPipeSwallowed
    case brokenPipeChanged, gradingCouldNotConnectLoopback, gradingNoSocketSetup, sendingOneMegabyte
    case notInOrderSent, realIncomplete, realFailed, shownParsed, shownRejected, parseWrong
    case whyHostBeforeColon, whyHostName, whyPortZero, whyPortMax, whyBetweenBrackets, whyColonsInBrackets
    case whyMapped, whyNoColon, whyNothingAfterColon, whyNothingBeforeColon, whyAfterBracket
    case whyEmptyBrackets, whyDigitsOnly, whyPortRange, whyHugePort, whyAmbiguous, whyNeedsBrackets
    case whyUnclosed, whyBracketsForIPv6, headerShown, flagsNone, packetOf, fieldSourcePort
    case fieldDestinationPort, fieldSequence, fieldAcknowledgment, fieldHeaderLength, fieldFlags
    case fieldWindow, fieldWrong, fieldByteSwapped, fieldHeaderLengthWrong, fieldFlagsWrong, fieldsDiffer
    case capturesUnreadable, capturesEmpty, recordedNil, recordedWrong, optionsNil, optionsWrong
    case tooShortParsed, offsetTooSmall, offsetTooBig, randomNil, randomParsed, randomDiffer
    case gradingNoLoopbackConnection, callReceiveWaiting, timeoutRecvAdvice, gaveUpEarly
    case silentReturnedBytes, silentReturnedEmpty, silentThrew, sentBeforeReturned, sentBeforeThrew
    case lateNil, lateWrong, lateThrew, closedNil, closedBytes, closedThrew, acceptAdvice, acceptSlow
    case acceptReturnedConnection, acceptThrewNoClient, leftNonBlocking, gradingNoClient, wrongConnection
    case unknownAddress, acceptNil, acceptThrewWaiting, upperWrong, upperWrongLength, upperByteUnchanged
    case upperByteChanged, whyAToZ, whyEveryLetter, whyOthersStay, whyNeighbours, whyNothingIn
    case whyChineseBytes, whySharpS, whyAccent, whyHalfCharacter, whyEveryByte
}
