import Testing
@testable import M2GRLCore

@Suite struct TOMLDocumentTests {
    @Test func parsesTheSubset() throws {
        let doc = try TOMLDocument(parsing: """
        # top comment
        title = "M2GRL \\"demo\\""   # trailing comment
        seed = 1_234
        [train]
        dimension = 64
        lr = 1e-2
        adaptive = true
        views = ["item", 'category', "shop"]
        [server.limits]
        "max.k" = 1000
        ratio = -0.5
        """)
        #expect(try doc.string("title") == "M2GRL \"demo\"")
        #expect(try doc.integer("seed") == 1234)
        #expect(try doc.integer("train.dimension") == 64)
        #expect(try doc.double("train.lr") == 0.01)
        #expect(try doc.double("train.dimension") == 64)
        #expect(try doc.bool("train.adaptive") == true)
        #expect(try doc.strings("train.views") == ["item", "category", "shop"])
        #expect(try doc.integer("server.limits.max.k") == 1000)
        #expect(try doc.double("server.limits.ratio") == -0.5)
        #expect(doc.keys(under: "train") == ["adaptive", "dimension", "lr", "views"])
        #expect(try doc.integer("missing") == nil)
    }

    @Test(arguments: [
        "a = ", "a = \"open", "[t", "a = {x = 1}", "a = [1, 2", "a = 1\na = 2", "a = 12abc", "= 3", "[[t]]", "a = \"\\q\"",
    ])
    func rejectsBadInput(text: String) {
        #expect { try TOMLDocument(parsing: text, source: "x.toml") } throws: {
            guard let e = $0 as? CoreError else { return false }
            return e.code == .config && e.message.hasPrefix("x.toml:")
        }
    }

    @Test func typeMismatchIsAnError() throws {
        let doc = try TOMLDocument(parsing: "port = \"x\"")
        #expect(throws: CoreError.self) { try doc.integer("port") }
    }
}
