import Foundation
import Testing
import WireProtocol
@testable import RPCClient

@Suite struct ReplyFormattingTests {
    let request = TopKRequest(view: "item", k: 2, queries: .ids([50]))
    let reply = TopKReply(results: [TopKResult(ids: [181, 7], scores: [0.912345, 0.5],
                                               names: [ItemName(externalID: "181", displayName: "Return of the Jedi (1983)"),
                                                       ItemName(externalID: "7", displayName: "")])])

    @Test func textTableHasRanksScoresAndNames() {
        let text = ReplyFormatting.text(reply, request: request, snapshotVersion: "v1")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "view item · id 50 · k 2 · snapshot v1")
        #expect(lines[2].hasPrefix("1      181           0.912345    Return of the Jedi (1983) [181]"))
        #expect(lines[3].hasSuffix("  7"))
    }

    @Test func jsonRoundTrips() throws {
        let json = ReplyFormatting.json(reply, request: request, snapshotVersion: "v1")
        let document = try JSONDecoder().decode(ReplyFormatting.JSONDocument.self, from: Data(json.utf8))
        #expect(document.view == "item" && document.k == 2 && document.snapshot == "v1")
        #expect(document.queries[0].query == "id 50")
        #expect(document.queries[0].results.map(\.id) == [181, 7])
        #expect(document.queries[0].results[0].name == "Return of the Jedi (1983)")
    }

    @Test func jsonKeepsNonFiniteScores() throws {
        // A huge but finite query vector overflows the inner products: the answer is still printed.
        let overflowed = TopKReply(results: [TopKResult(ids: [181, 7], scores: [.infinity, .nan])])
        let json = ReplyFormatting.json(overflowed, request: request, snapshotVersion: "v1")
        #expect(json.contains("\"inf\"") && json.contains("\"nan\""))
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let document = try decoder.decode(ReplyFormatting.JSONDocument.self, from: Data(json.utf8))
        #expect(document.queries[0].results.map(\.id) == [181, 7])
        #expect(document.queries[0].results[0].score == .infinity)
    }
}
