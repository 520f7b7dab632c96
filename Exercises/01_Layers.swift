// Exercise 1 of osilab: layers. Do it after lesson 1, "The OSI reference model".
// Check it with `osilab check layers` (or `swift test --filter LayersTests`);
// `osilab hint layers` gives a hint at a time.
// 练习 1：layers。学完第 1 课“OSI 参考模型”之后做。
// 用 `osilab check layers` 检查（或 `swift test --filter LayersTests`）；
// `osilab hint layers` 每次给一条提示。

/// Says at which OSI layer a protocol or a device does its work.
///
/// **What to do:** return the layer's number, from 1 (physical) to 7 (application), for
/// each of these names, whatever their case and with any spaces around them ("  tcp "
/// is "TCP"); return nil for every other name.
///
/// - protocols from the notes: TCP, UDP, SPX, IP, IPX, RIP, OSPF, PPP, HDLC, SDLC, STP,
///   frame relay, Ethernet, Telnet, FTP, HTTP, SNMP, SMTP, DNS, NFS, TFTP
/// - devices: repeater, hub, modem, bridge, switch, router
///
/// **Why it matters:** when something breaks, the first question is "at which layer?".
/// A switch cannot fix a routing problem, and a firewall rule on ports cannot see MAC
/// addresses. Knowing where each piece sits tells you where to look.
///
/// 说出一个协议或一个设备在 OSI 的哪一层工作。
///
/// **要做的：** 对下面这些名字，返回它所在层的编号，从 1（物理层）到 7（应用层）；不管大小写，
/// 也不管两边有没有空格（"  tcp " 就是 "TCP"）。其他名字一律返回 nil。
///
/// - 笔记中的协议：TCP、UDP、SPX、IP、IPX、RIP、OSPF、PPP、HDLC、SDLC、STP、frame relay、
///   Ethernet、Telnet、FTP、HTTP、SNMP、SMTP、DNS、NFS、TFTP
/// - 设备：repeater（中继器）、hub（集线器）、modem（调制解调器）、bridge（网桥）、switch（交换机）、
///   router（路由器）
///
/// **为什么重要：** 出了故障，第一个问题就是“在哪一层？”。交换机解决不了路由问题，按端口写的
/// 防火墙规则也看不到 MAC 地址。知道每样东西在哪一层，你就知道该去哪里找。
public func osiLayer(of name: String) -> Int? {
    // 待办：把 `name` 简化（小写、去掉两边的空格）后和上面的名字比较，返回各自所在的层。
    // TODO: compare a simplified form of `name` (lower case, no spaces around it) with
    // the names above, and return each one's layer.
    return nil
}

/// Names a protocol's unit of data, the word for the pieces it hands to the layer below.
///
/// **What to do:** for the names that `osiLayer(of:)` knows, return "bit" (layer 1: a
/// repeater, a hub or a modem passes on bits), "frame" (layer 2), "packet" (layer 3),
/// "segment" (TCP and SPX), "datagram" (UDP) or "message" (layers 5 to 7). Return nil for
/// names that `osiLayer(of:)` does not know.
///
/// **Why it matters:** the words tell a reader which header is meant: "the segment was
/// lost" is about TCP, "the frame was dropped" is about the link.
///
/// 说出一个协议的数据单元，也就是它交给下一层的那一块数据叫什么。
///
/// **要做的：** 对 `osiLayer(of:)` 认识的名字，返回 "bit"（第 1 层：中继器、集线器、调制解调器
/// 转发的是比特）、"frame"（第 2 层）、"packet"（第 3 层）、"segment"（TCP 和 SPX）、
/// "datagram"（UDP）或 "message"（第 5 到 7 层）。`osiLayer(of:)` 不认识的名字返回 nil。
///
/// **为什么重要：** 这些词告诉读者说的是哪个首部：“报文段丢了”说的是 TCP，“帧被丢弃了”说的是链路层。
public func dataUnit(of protocolName: String) -> String? {
    // 待办：先用 osiLayer(of:)，再选出这一层的词；第 4 层还要多问一句：是不是 UDP？
    // TODO: use osiLayer(of:), then pick the word for that layer; layer 4 needs one more
    // question: is it UDP?
    return nil
}
