// Every sentence osilab shows a learner, in English. A translator copies this file to start a new language.
//
// One line per sentence: its key (`namespace.id`, the id a module's code names) and the
// sentence. `{0}`, `{1}`, ... are filled in by the code, in any order the language needs;
// a sentence must use the same placeholders as its English original (a test checks every key
// and placeholder). Protocol names, call names, numbers and errno names (`SYN`, `connect()`,
// `J+1`, `ECONNREFUSED`) stay as they are: they are what the learner meets in tcpdump and in
// man pages. Sections follow the modules that show them.

extension Sentences {
    /// Every sentence in English, by key.
    public static let english: KeyValuePairs<String, String> = [
        // MARK: The lesson runner (runner.*)
        "runner.statusLesson": "Lesson {0}/{1} · {2}",
        "runner.statusScreen": "screen {0}/{1}",
        "runner.statusPage": "page {0}/{1}",
        "runner.keysNext": "→ next",
        "runner.keysBack": "← back",
        "runner.keysContents": "t contents",
        "runner.keysQuit": "q quit",
        "runner.keysHelp": "? help",
        "runner.keysRun": "r run lab",
        "runner.keysAnswer": "{0} answer",
        "runner.keysPredict": "{0} predict",
        "runner.keysTypeAnswer": "Enter type answer",
        "runner.keysTyping": "Enter submit · Esc cancel",
        "runner.keysContentsMode": "↑↓ choose · Enter open · Esc close",
        "runner.keysHelpMode": "any key closes this help",
        "runner.keysFocus": "Tab next question",
        "runner.typingPrompt": "Your answer: ",
        "runner.lessonHeading": "Lesson {0}: {1}",
        "runner.objectivesIntro": "After this lesson you can:",
        "runner.continued": "{0} (continued)",
        "runner.helpTitle": "Keys",
        // One key per line: the keys, a tab, what they do (aligned by display width when drawn).
        "runner.helpLines": """
            → Space n Enter\tnext screen (or the rest of a long screen)
            ← p Backspace\tprevious screen
            N ]  /  P [\tnext / previous lesson
            Home / End\tfirst / last screen of the lesson
            a b c ...\tanswer the question, or make a prediction
            Enter\ttype the answer to a short-answer question
            Tab\tmove to the next question or lab on the screen
            r\trun the lab on this screen
            t\ttable of contents
            q Ctrl-C\tquit (your place is saved)
            """,
        "runner.contentsTitle": "Contents",
        "runner.contentsCurrent": "you are here",
        "runner.checkpointTitle": "Checkpoint",
        "runner.pressLetterToAnswer": "Press {0} to answer.",
        "runner.pressEnterToType": "Press Enter to type your answer.",
        "runner.answerRight": "✓ Right.",
        "runner.answerWrong": "✗ Not quite: the answer is {0}.",
        "runner.answerWrongShort": "✗ Not quite: you answered “{0}”; the answer is “{1}”.",
        "runner.yourAnswer": "Your answer: {0}",
        "runner.answerAgain": "Press {0} to answer again.",
        "runner.previousAttempts": "Attempts so far: {0}.",
        "runner.labTitle": "Lab",
        "runner.labCommand": "$ {0}",
        // Runs straight into the question: the space is part of the string (none after `：`).
        "runner.predictTitle": "Predict first: ",
        "runner.pressLetterToPredict": "Press {0} to predict, then r to run the lab.",
        "runner.yourPrediction": "Your prediction: {0}",
        "runner.pressRToRun": "Press r to run it.",
        "runner.pressRToRunAgain": "Press r to run it again.",
        "runner.labMissingCommand": "This lab needs `osilab {0}`, which this version of osilab does not have yet.",
        "runner.labInvalidCommand": "This lab's command `{0}` does not work with this version of osilab: {1}",
        "runner.needsCapture": "Live capture needs root, or a private network of your own (a user namespace), which this machine does not allow: osilab doctor says why and how to fix it. Meanwhile the command offers a recorded capture.",
        "runner.needsNetns": "This experiment builds a network namespace with nftables rules, which needs Linux and either root or a private network of your own (a user namespace), which this machine does not allow: osilab doctor says why and how to fix it.",
        "runner.netnsNotRun": "Not run: this experiment needs Linux with user namespaces allowed, or root.",
        "runner.needsCaptureRecorded": "Live capture needs root, or a private network of your own (a user namespace), which this machine does not allow (osilab doctor says why and how to fix it). Meanwhile this lab shows the capture recorded for the lessons.",
        "runner.predictionMatchedRecorded": "✓ Your prediction matched the recorded capture: {0}.",
        "runner.predictionMismatchedRecorded": "✗ The recorded capture says otherwise: {0}. You predicted {1}.",
        "runner.predictionMatched": "✓ Your prediction matched the capture: {0}.",
        "runner.predictionMismatched": "✗ The capture says otherwise: {0}. You predicted {1}.",
        "runner.predictionUnchecked": "? Your prediction could not be checked: {0}.",
        "runner.capturedValue": "{0} is {1}",
        "runner.observedChoice": "{0}, {1}",
        "runner.reasonNoFacts": "the command recorded no facts",
        "runner.reasonExit": "the command failed (exit status {0}) and recorded no facts",
        "runner.reasonSignal": "the command was stopped (signal {0}) before it recorded its facts",
        "runner.reasonNotStarted": "the command could not start ({0})",
        "runner.reasonMissingFact": "the command recorded no `{0}` fact",
        "runner.reasonBadFacts": "the facts file could not be read ({0})",
        "runner.reasonNoPrivilege": "live capture needs root or a private network of your own, and this machine allows neither",
        "runner.reasonNotRun": "the lab did not run",
        "runner.reasonNeedsRoot": "this experiment needs Linux with user namespaces allowed, or root",
        "runner.labFinished": "The lab finished.",
        "runner.labFailed": "The lab ended with exit status {0}.",
        "runner.labStopped": "The lab was stopped (signal {0}).",
        "runner.labRunningHeader": "Running: {0}",
        "runner.labServerStarted": "For this lab osilab started `{0}` in the background; it stops when the lab ends, and its log is shown then.",
        "runner.labServerNotStarted": "`{0}` did not start, so the client talks to whatever already listens on that port (perhaps a server you started yourself). It said: {1}",
        "runner.labServerLog": "What the server logged ({0}):",
        "runner.labServerBeside": "(with `{0}` running in the background)",
        "runner.labReturn": "Press any key to return to the lesson.",
        "runner.labNoPrediction": "Make a prediction first: press {0}.",
        "runner.erratumTitle": "Erratum: the notes and the kernel disagree",
        "runner.erratumClaim": "The notes say",
        "runner.erratumTruth": "The kernel says",
        "runner.erratumEvidence": "Evidence",
        "runner.erratumRun": "See it yourself (press r):",
        "runner.erratumRunPlain": "See it yourself:",
        "runner.endOfLastLesson": "That was the last screen of the last lesson. Well done!",
        "runner.startOfFirstLesson": "This is the first screen of the first lesson.",
        "runner.progressSaveFailed": "Your progress could not be saved: {0}",
        "runner.welcomeBack": "Welcome back: you are where you stopped.",
        "runner.lessonCompleted": "Lesson {0} done.",
        "runner.nothingToRun": "There is no lab on this screen.",
        "runner.lessonDone": "done",
        "runner.lessonInProgress": "in progress",
        "runner.lessonNotStarted": "not started",
        "runner.checkpointsCount": "checkpoints {0}/{1} right",
        "runner.lessonsHeader": "Lessons",
        "runner.lessonsFooter": "Open one with: osilab lesson N   (or just osilab to continue where you stopped)",
        "runner.plainAnswerPrompt": "Your answer ({0}): ",
        "runner.plainPredictPrompt": "Your prediction ({0}): ",
        "runner.plainInvalidChoice": "Please answer with {0}.",
        "runner.plainEndOfInput": "(no answer: standard input ended)",
        "runner.plainEndOfLesson": "End of lesson {0}.",
        "runner.plainNextLesson": "Next: osilab lesson {0}",
        "runner.plainLabNotRun": "Run it in a terminal: {0}",
        "runner.plainScreenCounter": "{0}/{1}",
        "runner.lessonNotFound": "There is no lesson {0}: the lessons are numbered 1 to {1} (see osilab lessons).",
        "runner.noLessons": "No lessons were found in {0}.",
        "runner.lessonsInvalid": "Some lessons could not be read:",
        "runner.lessonNumberFromOne": "Lessons are numbered from 1.",
        "runner.terminalFallback": "The terminal could not be switched to full-screen mode ({0}), so the lesson is printed instead.",
        "runner.labHomeNotFound": "Cannot find the osilab folder (with Package.swift and Lessons/) above {0}. Run osilab from its checkout, or set OSILAB_HOME to that folder.",
        "runner.labHomeBadOverride": "OSILAB_HOME is set to {0}, but that folder has no Package.swift and Lessons/ folder.",
        "runner.progressUnreadable": "Your progress file {0} could not be read, so it was moved to {1} and you start afresh.",
        "runner.progressUnreadableKept": "Your progress file {0} could not be read (and could not be moved aside); starting afresh.",
        "runner.languageInvalid": "--lang takes zh (Chinese) or en (English), not “{0}”.",
        "runner.lessonNotTranslated": "This lesson is not translated yet, so it is shown in English.",
        "runner.or": "or",
        "runner.listSeparator": ", ",

        // MARK: The ladder, the handshake explanation and step narration (ladder.*)
        "ladder.sideClient": "client",
        "ladder.sideServer": "server",
        "ladder.theProgram": "The program",
        "ladder.theRole": "The {0}",
        "ladder.waitedFor": " after {0}",
        "ladder.checkHolds": "{0} ✓",
        "ladder.checkFails": "{0} ✗ (expected {1}, got {2})",
        "ladder.checkSeparator": ", ",
        "ladder.stepSYN": "SYN",
        "ladder.stepSYNACK": "SYN-ACK",
        "ladder.stepFinalACK": "final ACK",
        "ladder.stepData": "data",

        "ladder.headerClient": "client {0}",
        "ladder.headerServer": "server {0}",
        "ladder.noteStep1": "step 1: seq = J",
        "ladder.noteStep2": "step 2: seq = K{0}",
        "ladder.noteStep3": "step 3: {0}",
        "ladder.noteStep3Bare": "step 3:",
        "ladder.noteCarriedByData": "{0}, carried by data",
        "ladder.noteSYNAgain": "SYN sent again (copy {0}): no SYN-ACK yet",
        "ladder.noteSYNACKAgain": "SYN-ACK sent again (copy {0}): the final ACK has not arrived",
        "ladder.noteRefused": "refused: nothing listens on port {0}",
        "ladder.noteDataByte": "data, {0} byte",
        "ladder.noteDataBytes": "data, {0} bytes",
        "ladder.noteSentAgain": "sent again: an earlier copy was not acknowledged",
        "ladder.noteZeroWindow": "zero window: the receiver's buffer is full",
        "ladder.noteClosesFirst": "{0} closes first; it will wait in TIME_WAIT",
        "ladder.noteClosesToo": "{0} closes too",
        "ladder.noteLastACK": "last ACK: the connection is closed",
        "ladder.noteReset": "reset: the connection is aborted",
        "ladder.noteMidstream": "(handshake not captured)",
        "ladder.noteOneDatagram": "one datagram",
        "ladder.noteAboutDatagram": "about the datagram {0} → {1}",
        "ladder.callCalled": "{0}() called",
        "ladder.callAfter": "{0} after {1}",
        "ladder.callStillWaiting": "{0} still waiting",
        "ladder.callByte": "{0} = {1} byte",
        "ladder.callBytes": "{0} = {1} bytes",

        "ladder.explainNoSYN": "The capture holds no SYN for this connection, so its handshake was not seen.",
        "ladder.explainSteps12": "Step 1: the client's kernel sent SYN with seq J = {0}. Step 2: the server's kernel answered SYN-ACK with its own seq K = {1} and ack = {2}, which is J+1 as it must be.",
        "ladder.explainSteps12Wrong": "Step 1: the client's kernel sent SYN with seq J = {0}. Step 2: the server's kernel answered SYN-ACK with its own seq K = {1} and ack = {2}, which is NOT J+1 ({3}): something rewrote the numbers.",
        "ladder.explainStep3": "Step 3: the client's kernel answered with ack = {0} = K+1.",
        "ladder.explainStep3Wrong": "Step 3: the client's kernel answered with ack = {0}, which is NOT K+1 ({1}).",
        "ladder.explainStep3Missing": "Step 3 never reached the capture: the handshake is incomplete.",
        "ladder.explainRelative": "The ladder shows relative numbers (J and K count as 0, as Wireshark does); add --absolute for the raw 32-bit values.",
        "ladder.explainNoSYNACK": "The client sent SYN (seq J = {0}), but no SYN-ACK came back.",
        "ladder.explainConnectFailed": "connect() failed with {0}.",
        "ladder.explainConnectAtSYNACK": "connect() returned {0} after the SYN-ACK (step 2) arrived. So connect() returns at step 2.",
        "ladder.explainConnectAtSYNACKWithACK": "connect() returned {0} after the SYN-ACK (step 2) arrived; the client's kernel sent the final ACK itself while handling the SYN-ACK, {1} before connect() returned, without waiting for anything more from the server. So connect() returns at step 2.",
        "ladder.explainConnectAfterOther": "connect() returned after the server's {0}, not after the SYN-ACK: this is not what the lesson expects, so look at the ladder closely.",
        "ladder.explainConnectEarly": "connect() returned before any packet from the server was captured, which the capture cannot explain (were packets dropped? see the statistics).",
        "ladder.explainAcceptAtACK": "accept() returned {0} after the final ACK (step 3) arrived: only then did the server's kernel move the connection to the accept queue. So accept() returns at step 3.",
        "ladder.explainAcceptAtACKWaited": "accept() returned {0} after the final ACK (step 3) arrived: only then did the server's kernel move the connection to the accept queue; it had been waiting since before the SYN. So accept() returns at step 3.",
        "ladder.explainAcceptAtData": "accept() returned after the client's first data segment, which also carried the acknowledgment (step 3); this happens when the pure ACK is lost or deferred (TCP_DEFER_ACCEPT).",
        "ladder.explainAcceptAfterOther": "accept() returned after the client's {0}, before any final ACK was captured: not what the lesson expects.",
        "ladder.explainAcceptEarly": "accept() returned before any packet from the client was captured.",
        "ladder.explainAcceptStillWaiting": "accept() is still waiting.",
        "ladder.explainAcceptPending": "accept() is still waiting: the server's kernel has not completed the handshake.",
        "ladder.explainDuration": "The whole handshake took {0} (SYN to SYN-ACK {1}): on loopback everything happens within microseconds, and the order of nearby events is all the timestamps can show. For proof that accept() waits for step 3, hold the ACK back: osilab experiment drop-final-ack.",

        "ladder.narrateUDP": "A UDP datagram of {0} bytes from {1} to {2}: no handshake came before it, and it arrives as one message.",
        "ladder.narrateICMP": "{0} answers with ICMP {1}.",
        "ladder.narrateICMPAbout": "{0} answers with ICMP {1}, about the datagram {2} → {3}.",
        "ladder.narrateOther": "A packet that is not TCP: {0}.",
        "ladder.narrateMeanwhile": "Meanwhile: {0}.",
        "ladder.narrateCallsAccept": "{0} calls accept(). No finished connection waits in its accept queue yet, so the call blocks.",
        "ladder.narrateCallsConnect": "{0} calls connect(). Its kernel sends a SYN, and the call waits for the answer.",
        "ladder.narrateCallsRecv": "{0} calls {1}() and waits for data to arrive.",
        "ladder.narrateCallsSend": "{0} calls {1}() to hand bytes to its kernel.",
        "ladder.narrateCalls": "{0} calls {1}().",
        "ladder.narrateFails": "{0}() fails with {1} (errno {2}).",
        "ladder.narrateListenPort": "listen() returns: from now on the server's kernel answers SYNs to port {0} by itself.",
        "ladder.narrateListen": "listen() returns: from now on the server's kernel answers SYNs by itself.",
        "ladder.narrateAcceptReturns": "accept() returns fd {0}{1}: the final ACK moved the connection to the accept queue, and accept() took it.",
        "ladder.narrateConnectReturns": "connect() returns 0{0}: the SYN-ACK has arrived, so the client's side of the connection is established.",
        "ladder.narrateRecvEnd": "{0}() returns 0: the peer's FIN arrived; there will be no more data (end of file).",
        "ladder.narrateRecvBytes": "{0}() returns {1} bytes{2}.",
        "ladder.narrateSendReturns": "{0}() returns {1}: the kernel took the bytes; it sends them on its own schedule.",
        "ladder.narrateCloses": "{0} calls close(); its kernel finishes the connection on its own, normally with a FIN.",
        "ladder.narrateShutdown": "shutdown({0}) returns: this direction is closed and the kernel sends a FIN.",
        "ladder.narrateReturns": "{0}() returns {1}.",
        "ladder.narrateSYN": "Step 1: the client's kernel sends SYN with its initial sequence number J = {0}.",
        "ladder.narrateSYNACK": "Step 2: the server's kernel, not accept(), answers SYN-ACK with its own K = {0} and ack = {1} ({2}).",
        "ladder.narrateJPlusOneHolds": "J+1, as it must",
        "ladder.narrateJPlusOneBroken": "not J+1!",
        "ladder.narrateACK": "Step 3: the client's kernel acknowledges with ack = {0} ({1}); it sends this by itself while handling the SYN-ACK.",
        "ladder.narrateACKWithData": "Step 3: the client's kernel acknowledges with ack = {0} ({1}), on a segment that also carries data.",
        "ladder.narrateKPlusOneHolds": "K+1",
        "ladder.narrateKPlusOneBroken": "not K+1!",
        "ladder.narrateSYNAgain": "The client's kernel sends its SYN again: no SYN-ACK came back in time.",
        "ladder.narrateSYNACKAgain": "The server's kernel sends its SYN-ACK again: the final ACK has not reached it, so accept() keeps waiting.",
        "ladder.narrateRefused": "The server's kernel answers the SYN with RST: nothing listens on port {0}. connect() will fail with ECONNREFUSED.",
        "ladder.narrateData": "The {0}'s kernel sends {1} bytes of data to the {2}.",
        "ladder.narrateDataAgain": "The {0}'s kernel sends data again: an earlier copy was not acknowledged in time.",
        "ladder.narrateACKOnly": "The {0}'s kernel acknowledges what it has received (ack = {1}).",
        "ladder.narrateZeroWindow": "The {0} advertises a zero window: its receive buffer is full, so the {1} must wait.",
        "ladder.narrateFINFirst": "The {0}'s kernel sends FIN: the {0} has closed its sending side. It closed first, so it will wait in TIME_WAIT.",
        "ladder.narrateFINSecond": "The {0}'s kernel sends its own FIN: now both directions are closing.",
        "ladder.narrateFinalACK": "The {0}'s kernel acknowledges the last FIN: the connection is closed.",
        "ladder.narrateReset": "The {0}'s kernel sends RST: the connection is aborted at once.",
        "ladder.narrateMidstream": "A segment of a connection whose handshake was not captured.",

        // MARK: Around a captured run: capture counters, packet titles, step mode (report.*)
        "report.captureCounters": "Capture: {0} packets captured, {1} received by filter, {2} dropped by kernel.",
        "report.captureCountersInterface": "Capture: {0} packets captured, {1} received by filter, {2} dropped by kernel, {3} dropped by interface.",
        "report.captureDropped": "{0} The kernel dropped packets, so the ladder may be missing some.",
        "report.packetTitle": "Packet {0}",
        "report.packetTitleLabelled": "Packet {0}, {1}",
        "report.labelWithNote": "{0} ({1})",
        "report.noCapture": "No capture was taken: the ladder shows the system calls only.",
        "report.leadContradicted": "Not what the lesson says: ",
        "report.leadUnchecked": "Not checked: ",
        "report.stepEvent": "Event {0} of {1}: {2}",
        "report.stepNothingCaptured": "Nothing was captured.",
        "report.stepKeysLadder": "→ or space: next · ←: back · Home/End · l: this packet's layers · q: quit",
        "report.stepKeysLayers": "→ next · ← back · ↑↓ scroll · l: back to the ladder · q: quit",
        "report.stepMore": "… ↓ for more",
        "report.stepNoPacket": "(this event is a system call: no packet to break down)",

        // MARK: Experiments: steps, claims, reports, the list (experiment.*)
        // BEGIN experiments
        // END experiments

        // MARK: The exercise runner: exercises, check, hint, reset, edit (exercise.*)
        // BEGIN exercises
        // END exercises

        // MARK: What a failed check tells the learner (grading.*)
        // BEGIN grading
        // END grading

        // MARK: The lab servers and clients (lab.*)
        // BEGIN labs
        // END labs

        // MARK: A packet by OSI layer, --layers (layers.*)
        // BEGIN layers
        // END layers

        // MARK: watch and read, doctor, the private network (tools.*)
        // BEGIN tools
        // END tools
    ]
}

/// The sentence files: ``english`` and ``chinese``, read through ``Phrasebook/osilab``.
public enum Sentences {}
