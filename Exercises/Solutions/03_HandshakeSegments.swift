// Exercise 3, handshake-segments: the reference solution. Follows lesson 4, "The three-way handshake".
import Timeline
import Wire

/// The positions of the first complete three-way handshake in `segments`, or nil.
public func findHandshake(in segments: [Segment]) -> (syn: Int, synAck: Int, ack: Int)? {
    for (synIndex, syn) in segments.enumerated() where syn.isSYN {
        let j = syn.sequence
        // Step 2: from the server back to this client, acknowledging J+1.
        let answer = segments.indices.dropFirst(synIndex + 1).first { index in
            let segment = segments[index]
            return segment.isSYNACK && segment.source == syn.destination && segment.destination == syn.source
                && segment.acknowledgment == j + 1
        }
        guard let synAckIndex = answer else { continue }
        let k = segments[synAckIndex].sequence
        // Step 3: from the client, acknowledging K+1 (SequenceNumber's + wraps around 2^32).
        let confirmation = segments.indices.dropFirst(synAckIndex + 1).first { index in
            let segment = segments[index]
            return segment.source == syn.source && segment.destination == syn.destination
                && segment.flags.contains(.ack) && !segment.flags.contains(.syn) && !segment.isRST
                && segment.acknowledgment == k + 1
        }
        if let ackIndex = confirmation { return (synIndex, synAckIndex, ackIndex) }
    }
    return nil
}
