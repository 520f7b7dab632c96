// What a lab observed, said in words for the learner. The facts file speaks in names and
// values (`accept-returned-after` = `ack`), which are for the lesson's author and the
// checker; a verdict says what happened: "accept() returned after the final ACK, step 3".
// Each value is a whole sentence in the sentence files (runner.fact*), so both languages
// can word it their own way. A test checks that every fact a lesson's lab observes has a
// sentence for each value it can take.

/// The sentence for each value of the facts lessons predict.
enum FactWords {
    static let sentences: [String: [String: UIText]] = [
        "accept-returned-after": [
            "syn": .factAcceptAfterSyn, "synack": .factAcceptAfterSynack,
            "ack": .factAcceptAfterAck, "data": .factAcceptAfterData,
        ],
        "connect-returned-after": [
            "syn": .factConnectAfterSyn, "synack": .factConnectAfterSynack,
            "ack": .factConnectAfterAck, "data": .factConnectAfterData,
        ],
        "ack-after-data": [
            "600": .factAckAfter600, "601": .factAckAfter601, "3": .factAckAfter3, "301": .factAckAfter301,
            "other": .factAckAfterOther,
        ],
        "first-resend-after": [
            "under-100ms": .factResendUnder100ms, "100ms-to-1s": .factResend100msTo1s, "over-1s": .factResendOver1s,
        ],
        "segments-with-nagle": [
            "1": .factNagleSegments1, "2": .factNagleSegments2, "3": .factNagleSegments3, "4": .factNagleSegments4,
            "5": .factNagleSegments5,
        ],
    ]

    /// The sentence saying that `fact` had `value`, if it has one.
    static func sentence(fact: String, value: String) -> UIText? {
        sentences[fact]?[value]
    }
}
