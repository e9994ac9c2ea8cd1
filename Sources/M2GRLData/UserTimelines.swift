/// Cleaned events grouped per user and stably sorted by time (ties keep file order).
struct UserTimelines {
    /// Event indices, user after user (raw user id order), each user's in time order.
    var order: [Int32]
    /// `order[starts[u]..<starts[u + 1]]` are raw user `u`'s events.
    var starts: [Int]
    /// Event times and raw items in `order` order (contiguous for the split and session passes).
    var times: [Int64]
    var items: [Int32]

    /// Events scattered between interruption checks, and users sorted between them: each is a few
    /// milliseconds of work, so a check costs nothing measurable and a SIGINT is seen promptly.
    static let eventsPerCheck = 1 << 22
    static let usersPerCheck = 1 << 12

    /// Groups and sorts; checks `interruption` every `eventsPerCheck` events and `usersPerCheck`
    /// users (throws `DataError(.interrupted)`).
    init(log: EventLog, interruption: Interruption) throws {
        let userCount = log.userCount
        let n = log.count
        var starts = [Int](repeating: 0, count: userCount + 1)
        for u in log.eventUser { starts[Int(u) + 1] += 1 }
        for u in 0..<userCount { starts[u + 1] += starts[u] }
        // Counting sort by user (keeps file order): one sequential read of the event columns,
        // scattering index, time and item together, so nothing is gathered at random later.
        var order = [Int32](repeating: 0, count: n)
        var times = [Int64](repeating: 0, count: n)
        var items = [Int32](repeating: 0, count: n)
        var next = starts
        try log.eventUser.withUnsafeBufferPointer { users in
            try log.eventTime.withUnsafeBufferPointer { eventTime in
                try log.eventItem.withUnsafeBufferPointer { eventItem in
                    try order.withUnsafeMutableBufferPointer { order in
                        try times.withUnsafeMutableBufferPointer { times in
                            try items.withUnsafeMutableBufferPointer { items in
                                try next.withUnsafeMutableBufferPointer { next in
                                    for chunk in stride(from: 0, to: users.count, by: Self.eventsPerCheck) {
                                        try interruption.check()
                                        for e in chunk..<min(chunk + Self.eventsPerCheck, users.count) {
                                            let u = Int(users[e])
                                            let k = next[u]
                                            order[k] = Int32(e)
                                            times[k] = eventTime[e]
                                            items[k] = eventItem[e]
                                            next[u] = k + 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Now order each user by time, ties by file order (= by event index within the user).
        var scratch: [(time: Int64, event: Int32, item: Int32)] = []
        try order.withUnsafeMutableBufferPointer { order in
            try times.withUnsafeMutableBufferPointer { times in
                try items.withUnsafeMutableBufferPointer { items in
                    for u in 0..<userCount {
                        if u % Self.usersPerCheck == 0 { try interruption.check() }
                        let lo = starts[u], hi = starts[u + 1]
                        var k = lo + 1
                        while k < hi && times[k] >= times[k - 1] { k += 1 }
                        guard k < hi else { continue }
                        scratch.removeAll(keepingCapacity: true)
                        for j in lo..<hi { scratch.append((times[j], order[j], items[j])) }
                        scratch.sort { a, b in a.time != b.time ? a.time < b.time : a.event < b.event }
                        for (j, e) in scratch.enumerated() {
                            times[lo + j] = e.time
                            order[lo + j] = e.event
                            items[lo + j] = e.item
                        }
                    }
                }
            }
        }
        self.order = order
        self.starts = starts
        self.times = times
        self.items = items
    }

    var userCount: Int { starts.count - 1 }
}
