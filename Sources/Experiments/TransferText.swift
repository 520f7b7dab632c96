import TextUI

/// The sentences of the data-transfer and retransmit experiments: their notes, remarks,
/// sections and claims (`transfer.*` in `Sources/TextUI/Sentences`). Kept apart from
/// ``ExperimentText`` so that the two experiments' sentences live in one block of their own.
public enum TransferText: String, SentenceID {
    public static let namespace = "transfer"
    case listSeparator
    case hungData, hungClosed
    // data-transfer: notes and the ladder's remarks.
    case noteNumbers, noteWindow, noteRead, noteNagle, noteNoDelay
    case remarkProbe, remarkDelayedAck, remarkHeld
    // data-transfer: sections and claims.
    case sectionNumbers, lineSegment, sectionTable
    case claimAcks, claimAcksWrong, claimReply, claimReplyWrong
    case claimScale, claimScaleWrong, claimScaleMissing
    case claimRead, claimReadWrong
    case claimZero, claimZeroWrong, claimProbe, claimProbes, claimProbesWrong
    case claimReopened, claimReopenedWrong, claimQueues, claimQueuesWrong
    case claimNagle, claimNagleWrong, claimNoDelay, claimNoDelayWrong
    case unchecked1, unchecked2, unchecked3
    // retransmit.
    case rtNoteFirst, rtNoteRule, rtNoteSecond, rtListAfter, rtRemarkDropped, rtRemarkThrough, rtContext
    case rtSameSeq, rtSameSeqWrong, rtCounter, rtCounterWrong, rtCounterNoCapture, rtWaits, rtWaitsWrong, rtNoCopy, rtUnchecked
    case rtCounters, rtCountersWrong, rtReader, rtReaderWrong, rtReaderMissing
}

/// The two experiments' sentences in one language.
typealias TransferStrings = StringTable<TransferText>

extension StringTable where ID == TransferText {
    /// Items joined as a list reads in this language ("1, 2" or "1、2").
    func list(_ items: [String]) -> String {
        items.joined(separator: self(.listSeparator))
    }
}
