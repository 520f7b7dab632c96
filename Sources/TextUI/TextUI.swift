// TextUI: styled text as data, display width, wrapping and boxes for the terminal.
//
// Pure value code with no I/O (and no Foundation), so every layout rule can be tested with
// literal strings. Typical use:
//
//     let lines = TextWrapper.wrap([Span("套接字 is Chinese for socket")], width: 12)
//     print(lines.rendered(StyleMode.resolve(noColor: env["NO_COLOR"], isTerminal: true)))
//
// - ``Span``, ``StyledLine``, ``TextStyle``: text with bold, italic, dim, underline, inverse
//   and the eight terminal colours; ``StyledLine/rendered(_:)`` turns them into ANSI or plain text.
// - ``DisplayWidth``: terminal columns of a scalar, a character or a string.
// - ``TextWrapper``: word wrapping that keeps characters whole and breaks CJK text correctly.
// - ``TextSanitizer``: strips control characters and expands tabs.
// - ``Box``: frames and rules.
