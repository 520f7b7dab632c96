// A lesson, as read from `Lessons/NN-slug/lesson.<lang>.md`: its front matter, and its
// body cut into screens of Markdown blocks and interactive directives.

/// One lesson, parsed and checked.
public struct Lesson: Sendable, Equatable {
    /// Stable name used in progress and checkpoint ids (letters, digits, `-`).
    public var id: String
    public var title: String
    /// Lessons are listed and numbered by this.
    public var order: Int
    /// What the learner can do afterwards.
    public var objectives: [String]
    /// Topic ids from the coverage contract this lesson teaches.
    public var topics: [String]
    /// The file it came from, as shown in error messages (`Lessons/04-handshake/lesson.en.md`).
    public var file: String
    /// The whole file, for checks that search the text (topic coverage).
    public var source: String
    public var screens: [LessonScreen]
    /// The language the file is written in (`en`, `zh`): the one asked for, or English when
    /// the lesson has no translation yet.
    public var language: String

    public init(id: String, title: String, order: Int, objectives: [String], topics: [String],
                file: String, source: String, screens: [LessonScreen], language: String = "en") {
        self.language = language
        self.id = id
        self.title = title
        self.order = order
        self.objectives = objectives
        self.topics = topics
        self.file = file
        self.source = source
        self.screens = screens
    }

    /// Every block of the lesson in order.
    public var allBlocks: [LessonBlock] { screens.flatMap(\.blocks) }

    public var checkpoints: [Checkpoint] {
        allBlocks.compactMap { if case .checkpoint(let checkpoint) = $0 { checkpoint } else { nil } }
    }

    public var labs: [LabStep] {
        allBlocks.compactMap { if case .lab(let lab) = $0 { lab } else { nil } }
    }

    public var errata: [Erratum] {
        allBlocks.compactMap { if case .erratum(let erratum) = $0 { erratum } else { nil } }
    }
}

/// What the runner shows at once: the text under one `## ` heading (or before the first).
public struct LessonScreen: Sendable, Equatable {
    /// The `## ` heading's text; nil for the screen before the first heading.
    public var title: String?
    public var blocks: [LessonBlock]

    public init(title: String?, blocks: [LessonBlock]) {
        self.title = title
        self.blocks = blocks
    }
}

/// A piece of a screen: Markdown, or one of the interactive directives.
public enum LessonBlock: Sendable, Equatable {
    case markdown(MarkdownBlock)
    case checkpoint(Checkpoint)
    case lab(LabStep)
    case erratum(Erratum)

    /// The directive's id, for directives.
    public var directiveID: String? {
        switch self {
        case .markdown: nil
        case .checkpoint(let checkpoint): checkpoint.id
        case .lab(let lab): lab.id
        case .erratum(let erratum): erratum.id
        }
    }
}

/// A choice in a checkpoint (tag `a`, `b`, ...) or a prediction (any tag, such as `synack`).
public struct Choice: Sendable, Equatable {
    public var tag: String
    public var text: [Inline]

    public init(tag: String, text: [Inline]) {
        self.tag = tag
        self.text = text
    }
}

/// A question with immediate feedback.
public struct Checkpoint: Sendable, Equatable {
    public var id: String
    public var question: [Inline]
    /// Empty for a short-answer question.
    public var choices: [Choice]
    /// The right choice's letter, or the expected text for a short answer.
    public var answer: String
    /// Other accepted short answers.
    public var accept: [String]
    public var explain: [Inline]?
    /// Shown after a first wrong answer, before the learner tries again: a nudge towards
    /// the answer that does not give it away.
    public var hint: [Inline]?
    /// Line of the opening fence, for messages.
    public var line: Int

    public var isMultipleChoice: Bool { !choices.isEmpty }

    public init(id: String, question: [Inline], choices: [Choice], answer: String, accept: [String], explain: [Inline]?,
                hint: [Inline]? = nil, line: Int) {
        self.id = id
        self.question = question
        self.choices = choices
        self.answer = answer
        self.accept = accept
        self.explain = explain
        self.hint = hint
        self.line = line
    }
}

/// What a lab needs from the machine beyond a normal user account.
public enum LabNeed: String, Sendable, Equatable, CaseIterable {
    /// Live packet capture: root or CAP_NET_RAW and CAP_NET_ADMIN.
    case capture
    /// Network namespaces and nftables: Linux and root.
    case netns
}

/// A live lab step: an osilab command, optionally with a prediction checked against the
/// facts the command records.
public struct LabStep: Sendable, Equatable {
    public var id: String
    /// The command line as written (`osilab handshake --port 4545`).
    public var run: String
    /// Its arguments after `osilab`.
    public var arguments: [String]
    /// A lab server the step needs (`osilab serve echo`): the runner starts it in the
    /// background before `run` and stops it afterwards, then shows what it logged.
    public var server: String?
    public var serverArguments: [String]?
    public var needs: LabNeed?
    public var predict: [Inline]?
    public var choices: [Choice]
    /// The fact whose value must equal the predicted choice's tag.
    public var observe: String?
    public var explain: [Inline]?
    /// Where the runner opens the lab's output: at the first line holding this text (the
    /// lines that answer the lesson's question); at the top when nil or not found.
    public var outputAt: String?
    public var line: Int

    public var hasPrediction: Bool { predict != nil }

    public init(id: String, run: String, arguments: [String], server: String? = nil, serverArguments: [String]? = nil,
                needs: LabNeed?, predict: [Inline]?, choices: [Choice], observe: String?, explain: [Inline]?,
                outputAt: String? = nil, line: Int) {
        self.outputAt = outputAt
        self.id = id
        self.run = run
        self.arguments = arguments
        self.server = server
        self.serverArguments = serverArguments
        self.needs = needs
        self.predict = predict
        self.choices = choices
        self.observe = observe
        self.explain = explain
        self.line = line
    }
}

/// Where the notes are wrong, and what proves it.
public struct Erratum: Sendable, Equatable {
    public var id: String
    public var claim: [Inline]
    public var truth: [Inline]
    public var evidence: [Inline]
    /// A command that shows the evidence live.
    public var run: String?
    public var arguments: [String]
    public var line: Int

    public init(id: String, claim: [Inline], truth: [Inline], evidence: [Inline], run: String?, arguments: [String], line: Int) {
        self.id = id
        self.claim = claim
        self.truth = truth
        self.evidence = evidence
        self.run = run
        self.arguments = arguments
        self.line = line
    }
}
