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
        "iterative-waiting": [
            "0": .factWaiting0, "1": .factWaiting1, "2-48": .factWaitingSome, "49": .factWaiting49, "50": .factWaiting50,
        ],
        "poll-server-threads": [
            "0": .factPollThreads0, "1": .factPollThreads1, "2-50": .factPollThreadsSome, "51": .factPollThreads51,
        ],
        "time-wait": [
            "client": .factTimeWaitClient, "server": .factTimeWaitServer, "both": .factTimeWaitBoth, "none": .factTimeWaitNone,
        ],
        "unread-close": ["rst": .factUnreadCloseRst, "fin": .factUnreadCloseFin, "none": .factUnreadCloseNone],
        "server-state-after-fin": [
            "CLOSE-WAIT": .factServerAfterFinCloseWait, "ESTAB": .factServerAfterFinEstab, "other": .factServerAfterFinOther,
        ],
        "bind-without-reuseaddr": ["EADDRINUSE": .factBindWithoutReuseInUse, "ok": .factBindWithoutReuseOK],
        "reuseaddr-new-only": ["EADDRINUSE": .factReuseNewOnlyInUse, "ok": .factReuseNewOnlyOK],
        "write-after-reset": [
            "EPIPE": .factSecondSendEPIPE, "ECONNRESET": .factSecondSendECONNRESET, "ok": .factSecondSendOk,
        ],
        "no-arp-answer": [
            "EHOSTUNREACH": .factNoARPHostUnreachable, "ETIMEDOUT": .factNoARPTimedOut,
            "ENETUNREACH": .factNoARPNetUnreachable, "connected": .factNoARPConnected, "other": .factNoARPOther,
        ],
        "full-queue-connect": [
            "timed-out": .factFullQueueTimedOut, "connected": .factFullQueueConnected,
            "refused": .factFullQueueRefused, "failed": .factFullQueueFailed,
        ],
        "late-overflow": [
            "ack-dropped": .factLateAckDropped, "accepted": .factLateAccepted,
            "rst": .factLateRst, "none": .factLateNone,
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
