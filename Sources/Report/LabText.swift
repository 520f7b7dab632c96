import TextUI
import Timeline

// The few sentences the capture labs add around Timeline's ladder and explanation (the
// capture's counters, step mode's keys), in English and Chinese, with the same mechanism.

/// The id of a sentence the labs show.
public enum LabText: String, SentenceID {
    public static let namespace = "report"
    case captureCounters, captureCountersInterface, captureDropped, packetTitle, packetTitleLabelled, labelWithNote
    case noCapture, leadContradicted, leadUnchecked, chooseOneFormat, widthOutOfRange
    case stepEvent, stepNothingCaptured, stepKeysLadder, stepKeysLayers, stepMore, stepNoPacket
}

/// The labs' sentences in one language.
public typealias LabStrings = StringTable<LabText>
