/// Cleaned events grouped per user and stably sorted by time (ties keep file order).
struct UserTimelines {
    /// Event indices, user after user (raw user id order), each user's in time order.
    var order: [Int32]
    /// `order[starts[u]..<starts[u + 1]]` are raw user `u`'s events.
    var starts: [Int]
    /// Event times and raw items in `order` order (contiguous for the split and session passes).
    var times: [Int64]
    var items: [Int32]

    init(log: EventLog) {
        let userCount = log.userCount
        var starts = [Int](repeating: 0, count: userCount + 1)
        for u in log.eventUser { starts[Int(u) + 1] += 1 }
        for u in 0..<userCount { starts[u + 1] += starts[u] }
        var next = starts
        var order = [Int32](repeating: 0, count: log.count)
        log.eventUser.withUnsafeBufferPointer { users in
            order.withUnsafeMutableBufferPointer { order in
                for e in 0..<users.count {
                    let u = Int(users[e])
                    order[next[u]] = Int32(e)
                    next[u] += 1
                }
            }
        }
        // Counting sort kept file order; now order each user by time, ties by file order.
        let eventTime = log.eventTime
        for u in 0..<userCount {
            let range = starts[u]..<starts[u + 1]
            var sorted = true
            var k = range.lowerBound + 1
            while k < range.upperBound {
                if eventTime[Int(order[k])] < eventTime[Int(order[k - 1])] { sorted = false; break }
                k += 1
            }
            if !sorted {
                order[range].sort { a, b in
                    let ta = eventTime[Int(a)], tb = eventTime[Int(b)]
                    return ta != tb ? ta < tb : a < b
                }
            }
        }
        var times = [Int64](repeating: 0, count: order.count)
        var items = [Int32](repeating: 0, count: order.count)
        let eventItem = log.eventItem
        for k in 0..<order.count {
            times[k] = eventTime[Int(order[k])]
            items[k] = eventItem[Int(order[k])]
        }
        self.order = order
        self.starts = starts
        self.times = times
        self.items = items
    }

    var userCount: Int { starts.count - 1 }
}
