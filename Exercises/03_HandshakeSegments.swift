// Exercise 3 of osilab: handshake-segments. Do it after lesson 4, "The three-way handshake".
// Check it with `osilab check handshake-segments` (or `swift test --filter HandshakeSegmentsTests`);
// `osilab hint handshake-segments` gives a hint at a time.
import Timeline
import Wire

/// Finds the three segments of a TCP handshake in a capture.
///
/// **What to do:** `segments` are TCP segments in the order they were captured (each has
/// `source` and `destination` endpoints, `sequence`, `acknowledgment`, `flags`, and the
/// shortcuts `isSYN`, `isSYNACK`, `isRST`). Return the positions (indexes into
/// `segments`) of the first complete handshake:
/// 1. a SYN from a client, with sequence number J;
/// 2. after it, the SYN-ACK that answers it: from that server back to that client, with
///    acknowledgment number J+1; its own sequence number is K;
/// 3. after that, the client's ACK of K+1 (ACK flag, no SYN, acknowledgment K+1).
///
/// Other connections' segments may be mixed in, a SYN may be sent twice, and a SYN may be
/// answered by RST instead. Return nil when no handshake completes. Sequence numbers are
/// `SequenceNumber` values, whose `+ 1` wraps from 4294967295 round to 0, as TCP's do.
///
/// **Why it matters:** the lesson's "SYN J, SYN K + ACK J+1, ACK K+1" is exactly what
/// osilab's capture view checks on every connection. Matching by the numbers, not by the
/// order of arrival, is what makes it right when several connections start at once.
public func findHandshake(in segments: [Segment]) -> (syn: Int, synAck: Int, ack: Int)? {
    // TODO: for each SYN, look after it for the SYN-ACK whose acknowledgment is J + 1,
    // then after that for the client's ACK of K + 1.
    return nil
}
