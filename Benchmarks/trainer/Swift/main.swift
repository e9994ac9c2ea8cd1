// trainer-bench: skip-gram throughput of the M2GRL trainer on a text corpus (one session per line,
// space-separated tokens), the same corpus gensim reads in gensim_bench.py.
//
//   trainer-bench generate OUT.txt [sessions] [items] [seed]
//   trainer-bench train CORPUS.txt threads [dim] [window] [negatives] [epochs]
import Foundation
import M2GRLData
import M2GRLTrainer

func fail(_ s: String) -> Never { FileHandle.standardError.write(Data((s + "\n").utf8)); exit(2) }

let args = CommandLine.arguments
guard args.count >= 3 else { fail("usage: trainer-bench generate OUT [sessions] [items] [seed] | train CORPUS threads [dim] [window] [negatives] [epochs]") }

switch args[1] {
case "generate":
    // Sessions over topics: a Zipf-popular topic per session, Zipf-popular items inside the topic.
    let sessions = args.count > 3 ? Int(args[3])! : 200_000
    let items = args.count > 4 ? Int(args[4])! : 50_000
    var rng = Xoshiro256(seed: args.count > 5 ? UInt64(args[5])! : 1)
    let perTopic = 100, topics = items / perTopic
    func zipf(_ n: Int) -> Int {  // P(i) ∝ 1/(i+1), by inverse CDF of the continuous approximation
        let u = Double(rng.unitFloat())
        return min(n - 1, Int(exp(u * log(Double(n) + 1))) - 1)
    }
    var out = ""
    out.reserveCapacity(sessions * 120)
    var tokens = 0
    for _ in 0..<sessions {
        let topic = zipf(topics)
        let length = 5 + rng.below(31)
        var last = -1
        var line: [String] = []
        while line.count < length {
            let item = rng.below(10) == 0 ? zipf(items) : topic * perTopic + zipf(perTopic)
            if item != last { line.append("i\(item)"); last = item }
        }
        tokens += line.count
        out += line.joined(separator: " ") + "\n"
    }
    try! out.write(toFile: args[2], atomically: true, encoding: .utf8)
    print("{\"sessions\":\(sessions),\"tokens\":\(tokens)}")

case "train":
    guard args.count >= 4, let threads = Int(args[3]) else { fail("train CORPUS threads [dim] [window] [negatives] [epochs]") }
    let dim = args.count > 4 ? Int(args[4])! : 64
    let window = args.count > 5 ? Int(args[5])! : 5
    let negatives = args.count > 6 ? Int(args[6])! : 10
    let epochs = args.count > 7 ? Int(args[7])! : 1
    guard let text = try? String(contentsOfFile: args[2], encoding: .utf8) else { fail("cannot read \(args[2])") }
    var vocab = [""], idOf: [Substring: Int32] = [:], counts: [Int64] = [0]
    var seqs = SequenceSet()
    for line in text.split(separator: "\n") {
        var s: [Int32] = []
        for tok in line.split(separator: " ") {
            let id: Int32
            if let x = idOf[tok] { id = x } else { id = Int32(vocab.count); idOf[tok] = id; vocab.append(String(tok)); counts.append(0) }
            counts[Int(id)] += 1
            s.append(id)
        }
        seqs.append(s)
    }
    let ds = PreparedDataset(views: [ViewData(name: "item", vocabulary: vocab, counts: counts, sequences: seqs, edges: [])],
                             relations: [], users: [], items: [])
    var c = TrainingConfiguration()
    c.dimension = dim
    c.window = window
    c.negatives = negatives
    c.epochs = epochs
    c.threads = threads
    c.optimizer = .sgd
    c.learningRate = 0.025
    c.views = ["item"]
    c.selectBest = false
    let trainer = try! M2GRLTrainer(dataset: ds, config: c)
    func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
    let cpu0 = cpuSeconds()
    let r = try! trainer.train()
    let cpu = cpuSeconds() - cpu0
    let pairs = r.epochs.reduce(0) { $0 + $1.examples }
    let seconds = r.epochs.reduce(0) { $0 + $1.seconds }
    print(String(format: "{\"engine\":\"m2grl\",\"threads\":%d,\"tokens\":%d,\"pairs\":%d,\"seconds\":%.3f,\"pairs_per_s\":%.0f,\"pairs_per_s_per_thread\":%.0f,\"cpu_seconds\":%.3f,\"pairs_per_cpu_s\":%.0f,\"final_loss\":%.4f}",
                 threads, seqs.tokens.count * epochs, pairs, seconds, Double(pairs) / seconds, Double(pairs) / seconds / Double(threads),
                 cpu, Double(pairs) / cpu, r.epochs.last!.losses[0]))

default:
    fail("unknown mode \(args[1])")
}
