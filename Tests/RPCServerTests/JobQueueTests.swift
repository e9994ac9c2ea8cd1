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

    @Test func lanesAreServedRoundRobin() {
        // A hog's backlog of 6, then two other lanes: each gets the next turn, not the hog's 7th.
        let queue = JobQueue<(lane: UInt64, n: Int)> { $0.lane }
        for n in 0..<6 { queue.push((1, n)) }
        queue.push((2, 100))
        queue.push((3, 200))
        queue.push((2, 101))
        var order: [Int] = []
        while queue.count > 0 { order.append(queue.pop()!.n) }
        #expect(order == [0, 100, 200, 1, 101, 2, 3, 4, 5])
    }

    @Test func batchesRespectTheCostLimitAndKeepLaneOrder() {
        let queue = JobQueue<(lane: UInt64, cost: Int, n: Int)> { $0.lane }
        queue.push((1, 40, 0))
        queue.push((1, 40, 1))
        queue.push((2, 10, 2))
        queue.push((1, 10, 3))
        queue.push((2, 40, 4))
        // First job 0 (cost 40); then by lane turn: lane 2's job 2 (50), lane 1's job 1 would pass
        // 64 so it stays, job 3 fits (60); nothing else fits.
        let batch = queue.popBatch(limit: 10, maxCost: 64, cost: { $0.cost }) { _ in 0 }
        #expect(batch.map(\.n) == [0, 2, 3])
        #expect(queue.popBatch(limit: 10, maxCost: 64, cost: { $0.cost }) { _ in 0 }.map(\.n) == [4])
        #expect(queue.popBatch(limit: 10, maxCost: 64, cost: { $0.cost }) { _ in 0 }.map(\.n) == [1])
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

    @Test(arguments: [0, 2_000_000])
    func spinningConsumersTakeEveryJobAndStopOnClose(spin: UInt64) {
        // 2 ms spin: the consumer polls through the gaps between pushes, then must still block
        // (and wake) once the producer pauses longer, and stop promptly on close.
        let queue = JobQueue<Int>(spinNanoseconds: spin)
        let sum = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        for _ in 0..<2 {
            Thread.detachNewThread {
                while true {
                    let batch = queue.popBatch(limit: 4) { _ in 0 }
                    if batch.isEmpty { break }
                    sum.add(batch.reduce(0, +), ordering: .relaxed)
                }
                finished.add(1, ordering: .relaxed)
            }
        }
        for i in 1...200 {
            queue.push(i)
            if i % 50 == 0 { usleep(5_000) } // longer than the spin: consumers go to sleep
        }
        for _ in 0..<300 where sum.load(ordering: .relaxed) < 20_100 { usleep(1_000) }
        #expect(sum.load(ordering: .relaxed) == 20_100)
        #expect(queue.count == 0)
        queue.close()
        for _ in 0..<300 where finished.load(ordering: .relaxed) < 2 { usleep(1_000) }
        #expect(finished.load(ordering: .relaxed) == 2)
    }
}
