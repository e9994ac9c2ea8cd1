import ArgumentParser
import Foundation

/// `m2grl index-demo`: Faiss indexes over a small demo embedding set, with a few queries.
struct IndexDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index-demo",
        abstract: "Build Flat/HNSW/IVF indexes from demo vectors of ml-100k and print neighbours of a few movies."
    )

    @Option(help: "Directory with RecBole's ml-100k atomic files.")
    var data = "data/ml-100k"

    @Option(name: .customLong("factory"), help: "Faiss factory strings (repeatable).")
    var factories: [String] = ["Flat", "HNSW32", "IVF32,Flat"]

    @Option(name: .customLong("id"), help: "Movie ids to query (repeatable).")
    var ids: [String] = ["50", "1", "181"]

    @Option(name: .short, help: "Neighbours per query.")
    var k = 5

    func validate() throws {
        guard k > 0, k <= 1000 else { throw ValidationError("-k must be in 1...1000") }
    }

    func run() throws {
        let demo = try IndexDemo(dataDirectory: URL(fileURLWithPath: data))
        try demo.run(factories: factories, queries: ids, k: k)
    }
}
