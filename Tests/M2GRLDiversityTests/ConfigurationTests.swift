import Foundation
@testable import M2GRLDiversity
import M2GRLCore
import Testing

@Suite struct ConfigurationTests {
    @Test func shippedConfigParses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/diversity.toml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let c = try DiversityConfiguration(toml: TOMLDocument(parsing: text, source: "diversity.toml"))
        #expect(c.margin == 1)
        #expect(c.relation == "category")
        #expect(c.resolvedAlignmentTable == "W.category")
    }

    @Test func valuesOverrideDefaults() throws {
        let doc = try TOMLDocument(parsing: """
        [model]
        projection_dimension = 16
        margin = 2.5
        [training]
        optimizer = "sgd"
        seed = 42
        [pairs]
        window = 5
        """)
        let c = try DiversityConfiguration(toml: doc)
        #expect(c.projectionDimension == 16 && c.margin == 2.5 && c.optimizer == .sgd && c.seed == 42 && c.window == 5)
    }

    @Test(arguments: ["[model]\nmargn = 1", "[model]\nmargin = -1", "[training]\noptimizer = \"rmsprop\"",
                      "[pairs]\nwindow = \"3\"", "[pairs]\nvalidation_fraction = 1.0", "[training]\nbatch_size = 0"])
    func badValuesAreConfigErrors(text: String) throws {
        let doc = try TOMLDocument(parsing: text)
        #expect { try DiversityConfiguration(toml: doc) } throws: { ($0 as? DiversityError)?.code == .config }
    }
}
