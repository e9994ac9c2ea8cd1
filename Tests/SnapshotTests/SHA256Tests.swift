import Foundation
import M2GRLCore
import Testing

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func standardVectors(input: String, expected: String) {
        #expect(SHA256.hash(Array(input.utf8)).hexString == expected)
    }

    @Test func millionA() {
        let data = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hash(data).hexString == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func chunkingDoesNotChangeTheDigest() {
        var rng = SystemRandomNumberGenerator()
        let data = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let whole = SHA256.hash(data)
        for chunk in [1, 3, 55, 63, 64, 65, 127, 1000] {
            var h = SHA256()
            var i = 0
            while i < data.count {
                let end = min(i + chunk, data.count)
                data[i..<end].withUnsafeBytes { h.update($0) }
                i = end
            }
            #expect(h.finalize() == whole, "chunk \(chunk)")
        }
    }

    /// Every length from 0 to 200 bytes (all padding cases) against coreutils' sha256sum.
    @Test func agreesWithSha256sumAcrossPaddingBoundaries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var paths: [String] = []
        for n in 0...200 {
            let url = dir.appendingPathComponent("f\(n)")
            try Data(data[0..<n]).write(to: url)
            paths.append(url.path)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = paths
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let lines = out.split(separator: "\n")
        #expect(lines.count == 201)
        for (n, line) in lines.enumerated() {
            #expect(String(line.prefix(64)) == SHA256.hash(Array(data[0..<n])).hexString, "length \(n)")
        }
    }
}
