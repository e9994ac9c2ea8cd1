import Foundation
import Testing
import WireProtocol
@testable import RPCClient

@Suite struct DiverseReplyFormattingTests {
    let request = DiverseRequest(triggers: [50], k: 2, itemWeight: 1, categoryWeight: -1, excludeCategories: ["Comedy"])
    let reply = DiverseReply(results: [
        DiverseResult(key: 196, score: 1.5, itemDistance: 0.3059, categoryDistance: 0.51151, category: "Drama",
                      name: ItemName(externalID: "196", displayName: "Dead Poets Society")),
        DiverseResult(key: 7, score: 1.25, itemDistance: 0.25, categoryDistance: 0.125, category: "",
                      name: ItemName(externalID: "7", displayName: "")),
    ])

    @Test func textTableHasDistancesCategoriesAndNames() {
        let lines = DiverseReplyFormatting.text(reply, request: request, snapshotVersion: "v1").split(separator: "\n").map(String.init)
        #expect(lines[0] == "diverse · trigger 50 · k 2 · w_item 1.0 · w_category -1.0 · excluding Comedy · snapshot v1")
        #expect(lines[2].hasPrefix("1      196         0.30590    0.51151    Drama           Dead Poets Society [196]"))
        #expect(lines[3].contains(" - ") && lines[3].hasSuffix("  7"))
    }

    @Test func jsonRoundTrips() throws {
        let json = DiverseReplyFormatting.json(reply, request: request, snapshotVersion: "v1")
        let document = try JSONDecoder().decode(DiverseReplyFormatting.JSONDocument.self, from: Data(json.utf8))
        #expect(document.triggers == [50] && document.k == 2 && document.categoryWeight == -1 && document.excludeCategories == ["Comedy"])
        #expect(document.results.map(\.id) == [196, 7])
        #expect(document.results[0].category == "Drama" && document.results[0].itemDistance == 0.3059)
        #expect(document.results[0].name == "Dead Poets Society")
    }
}
