import TextUI
import Timeline

/// The experiments' sentences: their progress notes, claims, context, sections, the list
/// and their errors. The sentences themselves are in `Sources/TextUI/Sentences` under
/// `experiment.*`; a claim that reads differently when it holds and when it does not is two
/// ids, and so is a sentence with an optional clause, so that no fragment is glued in code.
public enum ExperimentText: String, SentenceID {
    public static let namespace = "experiment"
    // osilab handshake: the demo behind it.
    case demoHung, demoNoPort, demoNeverAccepted, demoAcceptDidNotReturn, demoServerDidNotFinish
    case demoSocketsFailed, demoRecordedInstead

    case listSeparator
    case listThen
    case timesOnce
    case timesTwice
    case timesMany
    case bytesCount
    case stepSyn
    case stepSynack
    case stepAck
    case stepData
    case nothingCaptured
    case noCapturedSegment
    case sideClient
    case sideServer
    case sideBoth
    case sideNone
    case sideNobody
    case yes
    case no
    case noError
    case setupNoPort
    case hungNoAccept
    case errorHung
    case taskDidNotFinish
    case taskServerAccept
    case taskServer
    case taskClientConnect
    case listHeader
    case listColumnName
    case listColumnNeeds
    case listColumnShows
    case needCapture
    case needNetns
    case needSs
    case listFooter
    case preflightNeedsLinux
    case preflightNeedsAdmin
    case preflightNotInstalled
    case commandCannotRun
    case commandNoCaptureInstead
    case commandSocketsFailed
    case toolNotInstalled
    case toolFailed
    case toolFailedDetail
    case toolTimedOut
    case toolCouldNotStart
    case namespaceCannotEnter
    case namespaceOverran
    case cleanupNamespace
    case cleanupInterrupted
    case refusedSummary
    case refusedBothReset
    case refusedNotReset
    case refusedAnswerUnchecked
    case refusedConnectAfterReset
    case refusedConnect
    case refusedConnectFailedOther
    case refusedConnectSucceeded
    case refusedConnectEx
    case refusedConnectExWrong
    case refusedConnectExConnected
    case refusedContext
    case dropSummary
    case dropSectionSetUp
    case dropSetUpRemoved
    case dropSectionCounter
    case dropNoteRule
    case dropNoteStillWaiting
    case dropNoteAlreadyReturned
    case dropNoteLifted
    case dropListLifted
    case dropListAfterAccept
    case dropNoteSendsData
    case dropRemarkDropped
    case dropRemarkGetsThrough
    case dropRemarkCarriesAck
    case dropRemovedFirst
    case dropContext
    case dropContextCaptured
    case dropConnectHeldCaptured
    case dropConnectHeld
    case dropConnectWrongReturnedBefore
    case dropConnectWrongReturnedAfter
    case dropConnectWrongFailedBefore
    case dropConnectWrongFailedAfter
    case dropResentHeld
    case dropResentWrongOne
    case dropResentWrongMany
    case dropCounterHeldOne
    case dropCounterHeldMany
    case dropCounterWrong
    case dropCounterNoCaptureOne
    case dropCounterNoCaptureMany
    case dropAcceptWaiting
    case dropAcceptWaitingWrong
    case dropAcceptLift
    case dropAcceptLiftOnlyThen
    case dropAcceptData
    case dropAcceptDataOnlyThen
    case dropWhatAck
    case dropWhatData
    case dropWhenAfter
    case dropWhenBefore
    case dropAcceptWrong
    case dropAcceptWrongStep
    case dropAcceptNever
    case noAcceptSummary
    case noAcceptNoteBefore
    case noAcceptNoteDuring
    case noAcceptNoteAfter
    case noAcceptNever
    case noAcceptCalled
    case noAcceptHandshakes
    case noAcceptHandshakesWrong
    case noAcceptReturnedNoCapture
    case noAcceptBacklogPlusOne
    case noAcceptSs
    case noAcceptSsWrong
    case noAcceptLineBefore
    case noAcceptLineAfter
    case noAcceptSectionListening
    case noAcceptSectionDuring
    case noAcceptAllConnected
    case noAcceptDropped
    case noAcceptDroppedWrongFailed
    case noAcceptDroppedWrongReturned
    case noAcceptWhyDrop
    case noAcceptTimedOutNoCapture
    case noAcceptTimedOutWrongFailed
    case noAcceptTimedOutWrongReturned
    case noAcceptOverflows
    case noAcceptNoReset
    case noAcceptResetSeen
    case noAcceptLateDropped
    case noAcceptLateWrong
    case noAcceptLateWhy
    case noAcceptLateConnectFailed
    case noAcceptLateNoTable
    case noAcceptSectionLate
    case backoffNone
    case backoffLinear
    case backoffLinearSetting
    case backoffDoubling
    case stickySummary
    case stickyNote1
    case stickyNote2
    case stickyNote3
    case stickyHungSmall
    case stickyHungLarge
    case stickyHungFramed
    case stickyHungClosed
    case stickyPart1
    case stickyPart1Separate
    case stickyPart1Nagle
    case stickyPart1Wrong
    case stickyPart1WrongBytes
    case stickyPart2
    case stickyPart2OneSegment
    case stickyPart2Segments
    case stickyPart2Wrong
    case stickyPart2WrongBytes
    case stickySplit
    case stickyNoSplit
    case stickyPart3
    case stickyPart3Wrong
    case stickyUDPContext
    case stickySection
    case stickyLinePart1
    case stickyLineRecv
    case stickyLinePart2
    case stickyLineRecvValid
    case stickyLineRecvInvalid
    case stickyLinePart3
    case stickyLineMessage
    case stickyLineMessageLong
    case teardownSummary
    case teardownNote1
    case teardownNote2
    case teardownNote3
    case teardownHungData
    case teardownFins
    case teardownFinsWrong
    case teardownFinsWrongNoAck
    case teardownFinsUnchecked
    case teardownHalfClose
    case teardownHalfCloseWrong
    case teardownTimeWait
    case teardownTimeWaitWrong
    case teardownSectionTable
    case teardownUnread
    case teardownHasRST
    case teardownNoRST
    case teardownHasFIN
    case teardownNoFIN
    case teardownUnreadWrong
    case teardownUnreadUnchecked
    case teardownReset
    case teardownResetWrongFailed
    case teardownResetWrongNoFailure
    case teardownLinger
    case teardownLingerWrong
    case teardownLingerUnchecked
    case teardownLingerNoTimeWait
    case teardownLingerTimeWait
    case udpSummary
    case udpNoteClosed
    case udpNoteConnect
    case udpRemarkClosed
    case udpNoHandshake
    case udpHandshakeWrong
    case udpHandshakeUnchecked
    case udpOnePacket
    case udpOnePacketWrong
    case udpBoundaries
    case udpBoundariesWrong
    case udpQuoted
    case udpICMP
    case udpICMPWrong
    case udpICMPUnchecked
    case udpUnconnected
    case udpUnconnectedWrongFailed
    case udpUnconnectedWrongReceived
    case udpConnected
    case udpConnectedWrongFailed
    case udpConnectedWrongNoFailure
    case deferSummary
    case deferNoteOption
    case deferNoteTable
    case deferNoteTableWaiting
    case deferNotListed
    case deferRemark
    case deferHandshake
    case deferHandshakeWrong
    case deferHeld
    case deferHeldCounter
    case deferHeldWrong
    case deferNoCapture
    case deferNoCaptureWrong
    case deferState
    case deferStateWaiting
    case deferStateWrong
    case deferSection
    case deferNoResend
    case deferResent
    case deferAcceptData
    case deferAcceptDataWrong
    case deferUnchecked
    case nbSummary
    case nbNoteListener
    case nbNoteConnection
    case nbNoteTimeout
    case nbHungQueue
    case nbAccept
    case nbAcceptWrongFailed
    case nbAcceptWrongReturned
    case nbPollContext
    case nbRecv
    case nbRecvWrongFailed
    case nbRecvWrongReturned
    case nbTimeout
    case nbTimeoutWrongFailed
    case nbTimeoutWrongReturned
    case nbQuiet
    case nbQuietWrong
    case nbQuietUnchecked
    case nbStillWorks
    case nbStillWorksWrong
    case mcSummary
    case mcNoteStart
    case mcNoteDone
    case mcNameIterative
    case mcNameThreads
    case mcNamePoll
    case mcHungConnect
    case mcHungAccept
    case mcLineHeld
    case mcLineCalls
    case mcTableKey
    case mcFailure
    case mcIterative
    case mcIterativeWrong
    case mcWaiting
    case mcWaitingWrong
    case mcThreads
    case mcThreadsWrong
    case mcPoll
    case mcPollWrong
    case mcIdlePolls
    case mcTimeOf
    case mcTimes
    case mcSectionCounts
    case mcSectionTable
    case mcTableLine
    case reuseSummary
    case reuseNoteOld
    case reuseNoteWithout
    case reuseNoteWith
    case reuseNoteSecond
    case reuseNoteNewOnly
    case reuseNotePlain
    case reuseNoteShare
    case reuseHungEOF
    case reuseFirstFin
    case reuseFirstFinWrong
    case reuseFirstFinUnchecked
    case reuseTimeWait
    case reuseTimeWaitWrong
    case reuseSectionTimeWait
    case reuseWithout
    case reuseWithoutWrongOK
    case reuseWithoutWrongFailed
    case reuseWith
    case reuseWithWrong
    case reuseSecond
    case reuseSecondWrongOK
    case reuseSecondWrongFailed
    case reuseNewOnly
    case reuseNewOnlyWrongOK
    case reuseNewOnlyWrongFailed
    case reuseNewOnlyNoTimeWait
    case reuseSectionPlain
    case reusePort
    case reusePortWrong
    case reuseBindSucceeded
    case reuseSectionShared
    case closeWaitSummary
    case closeWaitNoteClients
    case closeWaitNoteClose
    case closeWaitEOF
    case closeWaitEOFWrong
    case closeWaitAcked
    case closeWaitAckedWrong
    case closeWaitAckedUnchecked
    case closeWaitState
    case closeWaitStateWrong
    case closeWaitSectionBefore
    case closeWaitAfter
    case closeWaitAfterWrong
    case closeWaitSectionAfter
    case errorsSummary
    case errorsNoteReset
    case errorsNoteSignals
    case errorsNoteNoRoute
    case errorsNoteNoARP
    case errorsNoteSynDropped
    case errorsNoteCookies
    case errorsContext
    case errorsResetSeen
    case errorsResetMissing
    case errorsFirstSend
    case errorsFirstSendWrong
    case errorsSecondSend
    case errorsSecondSendWrong
    case errorsSignal
    case errorsSignalWrong
    case errorsPython
    case errorsNoRoute
    case errorsNoRouteWrong
    case errorsSectionRoutes
    case errorsNoARP
    case errorsNoARPWrong
    case errorsSectionNeighbours
    case errorsSynDropped
    case errorsSynDroppedCaptured
    case errorsSynDroppedWrong
    case errorsCookies
    case errorsCookiesWrong
    case errorsCountersUnreadable
    case errorsFullQueue
    case errorsFullQueueWrong
    case errorsSectionCounters
    case errorsRemarkDropped
    case transferSummary
    case retransmitSummary
}

/// An experiment's sentences in one language.
typealias ExperimentStrings = StringTable<ExperimentText>

extension StringTable where ID == ExperimentText {
    /// Items joined as a list reads in this language ("1, 2" or "1、2").
    func list(_ items: [String]) -> String {
        items.joined(separator: self(.listSeparator))
    }

    /// "once", "twice", "3 times".
    func times(_ count: Int) -> String {
        switch count {
        case 1: self(.timesOnce)
        case 2: self(.timesTwice)
        default: self(.timesMany, String(count))
        }
    }

    /// "12 bytes".
    func bytes(_ count: Int) -> String {
        self(.bytesCount, String(count))
    }

    /// A handshake step as the sentences name it (English: the fact's own value, `synack`).
    func step(_ step: HandshakeFindings.Step) -> String {
        switch step {
        case .syn: self(.stepSyn)
        case .synack: self(.stepSynack)
        case .ack: self(.stepAck)
        case .data: self(.stepData)
        }
    }

    /// "true"/"false" in English, 是/否 in Chinese.
    func yesNo(_ value: Bool) -> String {
        value ? self(.yes) : self(.no)
    }
}
