import Trace
import Wire

/// One sentence for each event of a timeline, for step mode (`osilab handshake --step`):
/// the learner reveals the events one at a time, like a simulator, but from a real capture.
public enum StepNarration {
    public static func sentence(for event: TimelineEvent, numbers: NumberStyle = .relative) -> String {
        switch event {
        case .callEntered(let record):
            return entered(record)
        case .callReturned(let record):
            return returned(record)
        case .packet(let entry):
            switch entry.content {
            case .tcp(let annotated):
                return packet(annotated, numbers: numbers)
            case .udp(let source, let destination, let length):
                return "A UDP datagram of \(length) bytes from \(source) to \(destination): no handshake came before it, and it arrives as one message."
            case .icmp(let source, _, let summary, let quoted):
                return "\(source) answers with ICMP \(summary)" + (quoted.map { ", about the datagram \($0.0) → \($0.1)" } ?? "") + "."
            case .other(let summary):
                return "A packet that is not TCP: \(summary)."
            }
        case .note(let note):
            return "Meanwhile: \(note.text)."
        }
    }

    static func side(_ record: SyscallRecord) -> String {
        record.role.isEmpty ? "The program" : "The " + record.role
    }

    static func entered(_ record: SyscallRecord) -> String {
        let who = side(record)
        switch record.call {
        case .accept:
            return "\(who) calls accept(). No finished connection waits in its accept queue yet, so the call blocks."
        case .connect:
            return "\(who) calls connect(). Its kernel sends a SYN, and the call waits for the answer."
        case .recv, .recvfrom:
            return "\(who) calls \(record.call)() and waits for data to arrive."
        case .send, .sendto:
            return "\(who) calls \(record.call)() to hand bytes to its kernel."
        default:
            return "\(who) calls \(record.call)()."
        }
    }

    static func returned(_ record: SyscallRecord) -> String {
        let who = side(record)
        if case .failed(let errno, let name)? = record.outcome {
            return "\(record.call)() fails with \(name) (errno \(errno))."
        }
        let value: Int = if case .returned(let value)? = record.outcome { value } else { 0 }
        let waited = record.blockedNanoseconds.map { " after " + formatDuration(nanoseconds: $0) } ?? ""
        switch record.call {
        case .listen:
            let port = record.local.map { " \($0.port)" } ?? ""
            return "listen() returns: from now on the server's kernel answers SYNs to port\(port) by itself."
        case .accept:
            return "accept() returns fd \(value)\(waited): the final ACK moved the connection to the accept queue, and accept() took it."
        case .connect:
            return "connect() returns 0\(waited): the SYN-ACK has arrived, so the client's side of the connection is established."
        case .recv, .recvfrom:
            return value == 0
                ? "\(record.call)() returns 0: the peer's FIN arrived; there will be no more data (end of file)."
                : "\(record.call)() returns \(value) bytes\(waited)."
        case .send, .sendto:
            return "\(record.call)() returns \(value): the kernel took the bytes; it sends them on its own schedule."
        case .close:
            return "\(who) calls close(); its kernel finishes the connection on its own, normally with a FIN."
        case .shutdown:
            return "shutdown(\(record.detail)) returns: this direction is closed and the kernel sends a FIN."
        default:
            return "\(record.call)() returns \(value)."
        }
    }

    static func packet(_ annotated: AnnotatedSegment, numbers: NumberStyle) -> String {
        let segment = annotated.segment
        let from = annotated.direction == .clientToServer ? "client" : "server"
        let to = annotated.direction == .clientToServer ? "server" : "client"
        switch annotated.role {
        case .handshakeSYN:
            return "Step 1: the client's kernel sends SYN with its initial sequence number J = \(segment.sequence)."
        case .handshakeSYNACK:
            let holds = annotated.checks.allSatisfy(\.holds) ? "J+1, as it must" : "not J+1!"
            return "Step 2: the server's kernel, not accept(), answers SYN-ACK with its own K = \(segment.sequence) "
                + "and ack = \(segment.acknowledgment) (\(holds))."
        case .handshakeACK(let carriesData):
            let holds = annotated.checks.allSatisfy(\.holds) ? "K+1" : "not K+1!"
            return "Step 3: the client's kernel acknowledges with ack = \(segment.acknowledgment) (\(holds))"
                + (carriesData ? ", on a segment that also carries data." : "; it sends this by itself while handling the SYN-ACK.")
        case .synRetransmission:
            return "The client's kernel sends its SYN again: no SYN-ACK came back in time."
        case .synAckRetransmission:
            return "The server's kernel sends its SYN-ACK again: the final ACK has not reached it, so accept() keeps waiting."
        case .refused:
            return "The server's kernel answers the SYN with RST: nothing listens on port \(annotated.server.port). connect() will fail with ECONNREFUSED."
        case .data:
            return "The \(from)'s kernel sends \(segment.payloadLength) bytes of data to the \(to)."
        case .retransmission:
            return "The \(from)'s kernel sends data again: an earlier copy was not acknowledged in time."
        case .ack:
            return "The \(from)'s kernel acknowledges what it has received (ack = \(annotated.relativeAcknowledgment.map(String.init) ?? segment.acknowledgment.description))."
        case .zeroWindow:
            return "The \(from) advertises a zero window: its receive buffer is full, so the \(to) must wait."
        case .fin(let first):
            return first
                ? "The \(from)'s kernel sends FIN: the \(from) has closed its sending side. It closed first, so it will wait in TIME_WAIT."
                : "The \(from)'s kernel sends its own FIN: now both directions are closing."
        case .finalAck:
            return "The \(from)'s kernel acknowledges the last FIN: the connection is closed."
        case .reset:
            return "The \(from)'s kernel sends RST: the connection is aborted at once."
        case .midstream:
            return "A segment of a connection whose handshake was not captured."
        }
    }
}
