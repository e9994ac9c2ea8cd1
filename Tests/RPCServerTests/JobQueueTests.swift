import Foundation
import Synchronization
import Testing
@testable import RPCServer

@Suite struct JobQueueTests {
    @Test func fifoAndSameKeyBatches() {
        let queue = JobQueue<(view: String, n: Int)>()
        for (i, view) in ["item", "genre", "item", "item", "genre", "item"].enumerated() { queue.push((view, i)) }
        #expect(queue.pop()?.n == 0)
        let batch = queue.popBatch(limit: 2) { $0.view }
        #expect(batch.map(\.n) == [1, 4]) // genre jobs together; items keep their places
        #expect(queue.popBatch(limit: 10) { $0.view }.map(\.n) == [2, 3, 5])
        #expect(queue.count == 0)
    }

    @Test func closeWakesConsumersAfterDraining() {
        let queue = JobQueue<Int>()
        let taken = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        for _ in 0..<3 {
            Thread.detachNewThread {
                while queue.pop() != nil { taken.add(1, ordering: .relaxed) }
                finished.add(1, ordering: .relaxed)
            }
        }
        for i in 0..<1000 { queue.push(i) }
        queue.close()
        #expect(!queue.push(1))
        for _ in 0..<300 where finished.load(ordering: .relaxed) < 3 { usleep(10_000) }
        #expect(finished.load(ordering: .relaxed) == 3)
        #expect(taken.load(ordering: .relaxed) == 1000)
    }
}
