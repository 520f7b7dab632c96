// Every sentence osilab shows a learner, in Chinese. It has exactly the keys of English.swift.
//
// One line per sentence: its key (`namespace.id`, the id a module's code names) and the
// sentence. `{0}`, `{1}`, ... are filled in by the code, in any order the language needs;
// a sentence must use the same placeholders as its English original (a test checks every key
// and placeholder). Protocol names, call names, numbers and errno names (`SYN`, `connect()`,
// `J+1`, `ECONNREFUSED`) stay as they are: they are what the learner meets in tcpdump and in
// man pages. Sections follow the modules that show them.
//
// Written for Chinese students as a teacher would say it, not word for word: short sentences,
// 你 rather than 您, full-width punctuation, a space between Chinese and Latin text or
// numbers. The words of the Chinese lessons: 报文段 (segment), 最后的 ACK, accept 队列,
// 时间线 (the ladder), 回环接口.

extension Sentences {
    /// Every sentence in Chinese, by key.
    public static let chinese: KeyValuePairs<String, String> = [
        // MARK: The lesson runner (runner.*)
        "runner.statusLesson": "第 {0}/{1} 课 · {2}",
        "runner.statusScreen": "第 {0}/{1} 屏",
        "runner.statusPage": "第 {0}/{1} 页",
        "runner.keysNext": "→ 下一屏",
        "runner.keysBack": "← 上一屏",
        "runner.keysContents": "t 目录",
        "runner.keysQuit": "q 退出",
        "runner.keysHelp": "? 帮助",
        "runner.keysRun": "r 运行实验",
        "runner.keysAnswer": "{0} 作答",
        "runner.keysPredict": "{0} 预测",
        "runner.keysTypeAnswer": "Enter 输入答案",
        "runner.keysTyping": "Enter 提交 · Esc 取消",
        "runner.keysContentsMode": "↑↓ 选择 · Enter 打开 · Esc 关闭",
        "runner.keysHelpMode": "按任意键关闭帮助",
        "runner.keysFocus": "Tab 下一项",
        "runner.typingPrompt": "你的答案：",
        "runner.lessonHeading": "第 {0} 课：{1}",
        "runner.objectivesIntro": "学完这一课，你将能够：",
        "runner.continued": "{0}（续）",
        "runner.helpTitle": "按键说明",
        "runner.helpLines": """
            → 空格 n Enter\t下一屏（屏幕放不下时，显示这一屏的其余部分）
            ← p Backspace\t上一屏
            N ]  /  P [\t下一课 / 上一课
            Home / End\t本课的第一屏 / 最后一屏
            a b c ...\t回答选择题，或者作出预测
            Enter\t输入简答题的答案
            Tab\t切换到本屏的下一道题或下一个实验
            r\t运行本屏的实验
            t\t目录
            q Ctrl-C\t退出（会记住你学到了哪里）
            """,
        "runner.contentsTitle": "目录",
        "runner.contentsCurrent": "你在这里",
        "runner.checkpointTitle": "小测验",
        "runner.pressLetterToAnswer": "按 {0} 作答。",
        "runner.pressEnterToType": "按 Enter 输入你的答案。",
        "runner.answerRight": "✓ 答对了。",
        "runner.answerWrong": "✗ 不太对：正确答案是 {0}。",
        "runner.answerWrongShort": "✗ 不太对：你答的是“{0}”，正确答案是“{1}”。",
        "runner.yourAnswer": "你的答案：{0}",
        "runner.answerAgain": "想再答一次，按 {0}。",
        "runner.previousAttempts": "到目前为止答了 {0} 次。",
        "runner.labTitle": "实验",
        "runner.labCommand": "$ {0}",
        "runner.predictTitle": "先预测一下：",
        "runner.pressLetterToPredict": "按 {0} 作出预测，然后按 r 运行实验。",
        "runner.yourPrediction": "你的预测：{0}",
        "runner.pressRToRun": "按 r 运行。",
        "runner.pressRToRunAgain": "按 r 再运行一次。",
        "runner.labMissingCommand": "这个实验要用到 `osilab {0}`，这个版本的 osilab 还没有这条命令。",
        "runner.labInvalidCommand": "这个实验的命令 `{0}` 在这个版本的 osilab 上运行不了：{1}",
        "runner.needsCapture": "实时抓包需要 root 权限，或者一个属于你自己的私有网络（用户命名空间），而这台机器不允许创建：osilab doctor 会说明原因和解决办法。在此之前，命令会改用一份录好的抓包。",
        "runner.needsNetns": "这个实验要建一个网络命名空间，并设置 nftables 规则：这需要 Linux，以及 root 权限或一个属于你自己的私有网络（用户命名空间），而这台机器不允许创建：osilab doctor 会说明原因和解决办法。",
        "runner.netnsNotRun": "没有运行：这个实验需要允许用户命名空间的 Linux，或者 root 权限。",
        "runner.needsCaptureRecorded": "实时抓包需要 root 权限，或者一个属于你自己的私有网络（用户命名空间），而这台机器不允许创建（osilab doctor 会说明原因和解决办法）。在此之前，这个实验改为展示课程预先录好的一份抓包。",
        "runner.predictionMatchedRecorded": "✓ 你的预测和录好的抓包一致：{0}。",
        "runner.predictionMismatchedRecorded": "✗ 录好的抓包和你的预测不符：{0}。你预测的是 {1}。",
        "runner.predictionMatched": "✓ 你的预测和抓包结果一致：{0}。",
        "runner.predictionMismatched": "✗ 抓包结果和你的预测不符：{0}。你预测的是 {1}。",
        "runner.predictionUnchecked": "? 没法核对你的预测：{0}。",
        "runner.capturedValue": "{0} 是 {1}",
        "runner.observedChoice": "{0}，即 {1}",
        "runner.reasonNoFacts": "命令没有记下任何结果",
        "runner.reasonExit": "命令执行失败（退出状态 {0}），没有记下任何结果",
        "runner.reasonSignal": "命令还没记下结果就被终止了（信号 {0}）",
        "runner.reasonNotStarted": "命令无法启动（{0}）",
        "runner.reasonMissingFact": "命令没有记下 `{0}` 这一项",
        "runner.reasonBadFacts": "结果文件读不出来（{0}）",
        "runner.reasonNoPrivilege": "实时抓包需要 root 权限或一个属于你自己的私有网络，而这台机器两样都不允许",
        "runner.reasonNotRun": "实验没有运行",
        "runner.reasonNeedsRoot": "这个实验需要允许用户命名空间的 Linux，或者 root 权限",
        "runner.labFinished": "实验结束。",
        "runner.labFailed": "实验结束，退出状态为 {0}。",
        "runner.labStopped": "实验被终止了（信号 {0}）。",
        "runner.labRunningHeader": "正在运行：{0}",
        "runner.labServerStarted": "为了这个实验，osilab 在后台启动了 `{0}`；实验结束时它会停止，届时显示它的日志。",
        "runner.labServerNotStarted": "`{0}` 没有启动，所以客户端会连接那个端口上已经在监听的程序（也许是你自己启动的服务器）。它的输出是：{1}",
        "runner.labServerLog": "服务器的日志（{0}）：",
        "runner.labServerBeside": "（同时在后台运行 `{0}`）",
        "runner.labReturn": "按任意键回到课程。",
        "runner.labNoPrediction": "请先作出预测：按 {0}。",
        "runner.erratumTitle": "勘误：笔记与内核的实际做法不符",
        "runner.erratumClaim": "笔记的说法",
        "runner.erratumTruth": "内核的实际做法",
        "runner.erratumEvidence": "证据",
        "runner.erratumRun": "自己验证一下（按 r）：",
        "runner.erratumRunPlain": "自己验证一下：",
        "runner.endOfLastLesson": "这已经是最后一课的最后一屏了。全部学完，真棒！",
        "runner.startOfFirstLesson": "这是第一课的第一屏。",
        "runner.progressSaveFailed": "学习进度没能保存：{0}",
        "runner.welcomeBack": "欢迎回来：接着上次停下的地方继续。",
        "runner.lessonCompleted": "第 {0} 课学完了。",
        "runner.nothingToRun": "这一屏没有可以运行的实验。",
        "runner.lessonDone": "已学完",
        "runner.lessonInProgress": "学习中",
        "runner.lessonNotStarted": "未开始",
        "runner.checkpointsCount": "小测验答对 {0}/{1}",
        "runner.lessonsHeader": "课程列表",
        "runner.lessonsFooter": "打开某一课：osilab lesson N（直接运行 osilab 则从上次停下的地方继续）",
        "runner.plainAnswerPrompt": "你的答案（{0}）：",
        "runner.plainPredictPrompt": "你的预测（{0}）：",
        "runner.plainInvalidChoice": "请回答 {0}。",
        "runner.plainEndOfInput": "（没有作答：标准输入已经结束）",
        "runner.plainEndOfLesson": "第 {0} 课结束。",
        "runner.plainNextLesson": "下一课：osilab lesson {0}",
        "runner.plainLabNotRun": "请在终端里运行：{0}",
        "runner.plainScreenCounter": "{0}/{1}",
        "runner.lessonNotFound": "没有第 {0} 课：课程编号是 1 到 {1}（用 osilab lessons 查看）。",
        "runner.noLessons": "在 {0} 里没有找到课程。",
        "runner.lessonsInvalid": "有些课程文件读不出来（下面的英文说明是写给课程作者的）：",
        "runner.lessonNumberFromOne": "课程从 1 开始编号。",
        "runner.terminalFallback": "终端没能切换到全屏模式（{0}），所以直接把课程打印出来。",
        "runner.labHomeNotFound": "在 {0} 及其上层目录中找不到 osilab 的目录（含 Package.swift 和 Lessons/）。请在 osilab 的源码目录中运行它，或者把 OSILAB_HOME 设为那个目录。",
        "runner.labHomeBadOverride": "OSILAB_HOME 设成了 {0}，但这个目录里没有 Package.swift 和 Lessons/。",
        "runner.progressUnreadable": "你的进度文件 {0} 读不出来，已经把它移到 {1}，你将从头开始。",
        "runner.progressUnreadableKept": "你的进度文件 {0} 读不出来（也没法把它移开），只能从头开始。",
        "runner.languageInvalid": "--lang 只能是 zh（中文）或 en（英文），不能是“{0}”。",
        "runner.lessonNotTranslated": "这一课还没有中文版，下面显示英文原文。",
        "runner.or": "或",
        "runner.listSeparator": "、",

        // MARK: The ladder, the handshake explanation and step narration (ladder.*)
        "ladder.sideClient": "客户端",
        "ladder.sideServer": "服务器",
        "ladder.theProgram": "程序",
        "ladder.theRole": "{0}",
        "ladder.waitedFor": "（等了 {0}）",
        "ladder.checkHolds": "{0} ✓",
        "ladder.checkFails": "{0} ✗（应为 {1}，实为 {2}）",
        "ladder.checkSeparator": "，",
        "ladder.stepSYN": "SYN",
        "ladder.stepSYNACK": "SYN-ACK",
        "ladder.stepFinalACK": "最后的 ACK",
        "ladder.stepData": "数据",

        "ladder.headerClient": "客户端 {0}",
        "ladder.headerServer": "服务器 {0}",
        "ladder.noteStep1": "第 1 步：seq = J",
        "ladder.noteStep2": "第 2 步：seq = K{0}",
        "ladder.noteStep3": "第 3 步：{0}",
        "ladder.noteStep3Bare": "第 3 步",
        "ladder.noteCarriedByData": "{0}，由数据报文段捎带",
        "ladder.noteSYNAgain": "重发 SYN（第 {0} 份）：还没有收到 SYN-ACK",
        "ladder.noteSYNACKAgain": "重发 SYN-ACK（第 {0} 份）：最后的 ACK 还没到",
        "ladder.noteRefused": "被拒绝：端口 {0} 上没有程序在监听",
        "ladder.noteDataByte": "数据，{0} 字节",
        "ladder.noteDataBytes": "数据，{0} 字节",
        "ladder.noteSentAgain": "重传：之前发出的那份没有得到确认",
        "ladder.noteZeroWindow": "零窗口：接收方的缓冲区满了",
        "ladder.noteClosesFirst": "{0}先关闭，之后要在 TIME_WAIT 状态等待",
        "ladder.noteClosesToo": "{0}也关闭了",
        "ladder.noteLastACK": "最后一个 ACK：连接关闭了",
        "ladder.noteReset": "复位：连接被中止",
        "ladder.noteMidstream": "（没有抓到握手）",
        "ladder.noteOneDatagram": "一个数据报",
        "ladder.noteAboutDatagram": "针对数据报 {0} → {1}",
        "ladder.callCalled": "调用 {0}()",
        "ladder.callAfter": "{0}，等了 {1}",
        "ladder.callStillWaiting": "{0} 仍在等待",
        "ladder.callByte": "{0} = {1} 字节",
        "ladder.callBytes": "{0} = {1} 字节",

        "ladder.explainNoSYN": "抓包里没有这个连接的 SYN，所以看不到它的握手。",
        "ladder.explainSteps12": "第 1 步：客户端的内核发出 SYN，seq J = {0}。第 2 步：服务器的内核回应 SYN-ACK，带上自己的 seq K = {1}，ack = {2}，正好是 J+1，理应如此。",
        "ladder.explainSteps12Wrong": "第 1 步：客户端的内核发出 SYN，seq J = {0}。第 2 步：服务器的内核回应 SYN-ACK，带上自己的 seq K = {1}，ack = {2}，却不是 J+1（{3}）：有什么东西改写了这些编号。",
        "ladder.explainStep3": "第 3 步：客户端的内核回应 ack = {0} = K+1。",
        "ladder.explainStep3Wrong": "第 3 步：客户端的内核回应 ack = {0}，不是 K+1（{1}）。",
        "ladder.explainStep3Missing": "抓包里没有第 3 步：握手没有完成。",
        "ladder.explainRelative": "时间线上显示的是相对编号（J 和 K 都记作 0，和 Wireshark 的默认做法一样）；加上 --absolute 可以看到原始的 32 位数值。",
        "ladder.explainNoSYNACK": "客户端发出了 SYN（seq J = {0}），但没有等到 SYN-ACK。",
        "ladder.explainConnectFailed": "connect() 失败了，错误是 {0}。",
        "ladder.explainConnectAtSYNACK": "SYN-ACK（第 2 步）到达 {0} 之后，connect() 返回。所以 connect() 在第 2 步返回。",
        "ladder.explainConnectAtSYNACKWithACK": "SYN-ACK（第 2 步）到达 {0} 之后，connect() 返回；客户端的内核在处理 SYN-ACK 时就自己发出了最后的 ACK，比 connect() 返回早 {1}，并没有再等服务器的任何回应。所以 connect() 在第 2 步返回。",
        "ladder.explainConnectAfterOther": "connect() 是在服务器的 {0} 之后返回的，而不是在 SYN-ACK 之后：这和课上讲的不一样，请仔细看看时间线。",
        "ladder.explainConnectEarly": "还没抓到服务器发来的任何报文，connect() 就返回了，抓包解释不了这一点（是不是丢包了？看看最后的统计数字）。",
        "ladder.explainAcceptAtACK": "最后的 ACK（第 3 步）到达 {0} 之后，accept() 返回：直到这时，服务器的内核才把连接移入 accept 队列。所以 accept() 在第 3 步返回。",
        "ladder.explainAcceptAtACKWaited": "最后的 ACK（第 3 步）到达 {0} 之后，accept() 返回：直到这时，服务器的内核才把连接移入 accept 队列；而 accept() 在 SYN 到来之前就已经在等了。所以 accept() 在第 3 步返回。",
        "ladder.explainAcceptAtData": "accept() 是在客户端的第一个数据报文段之后返回的，这个报文段同时带着确认（第 3 步）；单独的 ACK 丢失或被推迟（TCP_DEFER_ACCEPT）时就会这样。",
        "ladder.explainAcceptAfterOther": "accept() 在客户端的 {0} 之后就返回了，这时还没有抓到最后的 ACK：和课上讲的不一样。",
        "ladder.explainAcceptEarly": "还没抓到客户端发来的任何报文，accept() 就返回了。",
        "ladder.explainAcceptStillWaiting": "accept() 还在等待。",
        "ladder.explainAcceptPending": "accept() 还在等待：服务器的内核还没有完成握手。",
        "ladder.explainDuration": "整个握手只用了 {0}（从 SYN 到 SYN-ACK 用了 {1}）：在回环接口上，一切都在几微秒内发生，时间戳能说明的只是相邻事件的先后。要证明 accept() 在等第 3 步，就把 ACK 扣下来：osilab experiment drop-final-ack。",

        "ladder.narrateUDP": "一个 {0} 字节的 UDP 数据报，从 {1} 发往 {2}：它之前没有握手，到达时就是一条完整的消息。",
        "ladder.narrateICMP": "{0} 回应了 ICMP {1}。",
        "ladder.narrateICMPAbout": "{0} 回应了 ICMP {1}，针对的是数据报 {2} → {3}。",
        "ladder.narrateOther": "一个不是 TCP 的报文：{0}。",
        "ladder.narrateMeanwhile": "与此同时：{0}。",
        "ladder.narrateCallsAccept": "{0}调用 accept()。它的 accept 队列里还没有已经建立的连接，所以这个调用阻塞了。",
        "ladder.narrateCallsConnect": "{0}调用 connect()。它的内核发出 SYN，这个调用等待对方的回应。",
        "ladder.narrateCallsRecv": "{0}调用 {1}()，等待数据到达。",
        "ladder.narrateCallsSend": "{0}调用 {1}()，把字节交给自己的内核。",
        "ladder.narrateCalls": "{0}调用 {1}()。",
        "ladder.narrateFails": "{0}() 失败了，错误是 {1}（errno {2}）。",
        "ladder.narrateListenPort": "listen() 返回：从现在起，服务器的内核会自己应答发往端口 {0} 的 SYN。",
        "ladder.narrateListen": "listen() 返回：从现在起，服务器的内核会自己应答 SYN。",
        "ladder.narrateAcceptReturns": "accept() 返回 fd {0}{1}：最后的 ACK 把连接移入了 accept 队列，accept() 把它取走了。",
        "ladder.narrateConnectReturns": "connect() 返回 0{0}：SYN-ACK 已经到达，客户端这一侧的连接建立了。",
        "ladder.narrateRecvEnd": "{0}() 返回 0：对方的 FIN 到了，不会再有数据了（文件结束）。",
        "ladder.narrateRecvBytes": "{0}() 返回 {1} 字节{2}。",
        "ladder.narrateSendReturns": "{0}() 返回 {1}：内核收下了这些字节，什么时候发出去由它自己安排。",
        "ladder.narrateCloses": "{0}调用 close()；它的内核会自己把连接收尾，通常是发出 FIN。",
        "ladder.narrateShutdown": "shutdown({0}) 返回：这个方向关闭了，内核发出 FIN。",
        "ladder.narrateReturns": "{0}() 返回 {1}。",
        "ladder.narrateSYN": "第 1 步：客户端的内核发出 SYN，带着它的初始序列号 J = {0}。",
        "ladder.narrateSYNACK": "第 2 步：回应 SYN-ACK 的是服务器的内核，不是 accept()，它带着自己的 K = {0} 和 ack = {1}（{2}）。",
        "ladder.narrateJPlusOneHolds": "正是 J+1，理应如此",
        "ladder.narrateJPlusOneBroken": "不是 J+1！",
        "ladder.narrateACK": "第 3 步：客户端的内核用 ack = {0} 确认（{1}）；这是它在处理 SYN-ACK 时自己发出的。",
        "ladder.narrateACKWithData": "第 3 步：客户端的内核用 ack = {0} 确认（{1}），这个报文段同时还带着数据。",
        "ladder.narrateKPlusOneHolds": "正是 K+1",
        "ladder.narrateKPlusOneBroken": "不是 K+1！",
        "ladder.narrateSYNAgain": "客户端的内核重发 SYN：SYN-ACK 没有及时回来。",
        "ladder.narrateSYNACKAgain": "服务器的内核重发 SYN-ACK：最后的 ACK 没有到达，所以 accept() 还在等。",
        "ladder.narrateRefused": "服务器的内核用 RST 回应 SYN：端口 {0} 上没有程序在监听。connect() 将以 ECONNREFUSED 失败。",
        "ladder.narrateData": "{0}的内核向{2}发送 {1} 字节数据。",
        "ladder.narrateDataAgain": "{0}的内核重发数据：之前那份没有及时得到确认。",
        "ladder.narrateACKOnly": "{0}的内核确认已经收到的数据（ack = {1}）。",
        "ladder.narrateZeroWindow": "{0}通告零窗口：它的接收缓冲区满了，{1}只能等待。",
        "ladder.narrateFINFirst": "{0}的内核发出 FIN：{0}关闭了自己的发送方向。它先关闭，所以之后要在 TIME_WAIT 状态等待。",
        "ladder.narrateFINSecond": "{0}的内核也发出自己的 FIN：现在两个方向都在关闭。",
        "ladder.narrateFinalACK": "{0}的内核确认了最后一个 FIN：连接关闭了。",
        "ladder.narrateReset": "{0}的内核发出 RST：连接立即中止。",
        "ladder.narrateMidstream": "这个报文段所属的连接，握手没有被抓到。",

        // MARK: Around a captured run: capture counters, packet titles, step mode (report.*)
        "report.captureCounters": "抓包统计：抓到 {0} 个报文，过滤器收到 {1} 个，内核丢弃 {2} 个。",
        "report.captureCountersInterface": "抓包统计：抓到 {0} 个报文，过滤器收到 {1} 个，内核丢弃 {2} 个，网卡丢弃 {3} 个。",
        "report.captureDropped": "{0}内核丢弃了一些报文，所以时间线上可能缺了几行。",
        "report.packetTitle": "第 {0} 个报文",
        "report.packetTitleLabelled": "第 {0} 个报文：{1}",
        "report.labelWithNote": "{0}（{1}）",
        "report.noCapture": "这次没有抓包：时间线上只有系统调用。",
        "report.leadContradicted": "和课程说的不一样：",
        "report.leadUnchecked": "没能检查：",
        "report.stepEvent": "第 {0}/{1} 个事件：{2}",
        "report.stepNothingCaptured": "什么都没有抓到。",
        "report.stepKeysLadder": "→ 或空格：下一步 · ←：上一步 · Home/End · l：这个报文的分层 · q：退出",
        "report.stepKeysLayers": "→ 下一步 · ← 上一步 · ↑↓ 滚动 · l：回到时间线 · q：退出",
        "report.stepMore": "… 按 ↓ 看更多",
        "report.stepNoPacket": "（这一步是系统调用，没有报文可以拆解）",

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
