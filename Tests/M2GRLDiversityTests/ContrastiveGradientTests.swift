@testable import M2GRLDiversity
import Testing

/// Finite-difference checks of the analytic gradient w.r.t. L_i and L_ic.
@Suite struct ContrastiveGradientTests {
    /// The loss in Double straight from the definition, for the finite differences.
    static func referenceLoss(_ li: [Double], _ lic: [Double], p: Int, dx: [Double], dz: [Double],
                              positive: Bool, margin: Double) -> Double {
        func sq(_ l: [Double], _ v: [Double]) -> Double {
            var t = 0.0
            for r in 0..<p {
                var s = 0.0
                for c in 0..<v.count { s += l[r * v.count + c] * v[c] }
                t += s * s
            }
            return t
        }
        return ContrastiveLoss.value(distance: sq(li, dx) + sq(lic, dz), positive: positive, margin: margin)
    }

    /// Returns (max abs error, max |gradient|) of analytic vs central-difference gradients.
    static func check(positive: Bool, margin: Double, seed: UInt64) throws -> (error: Double, scale: Double, loss: Double) {
        let p = 3, di = 5, dr = 4
        let features = try Fixtures.randomFeatures(count: 4, itemDimension: di, relationalDimension: dr, seed: seed)
        let li = try Fixtures.randomMatrix(rows: p, columns: di, seed: seed + 1, scale: 0.4).values
        let lic = try Fixtures.randomMatrix(rows: p, columns: dr, seed: seed + 2, scale: 0.4).values
        let worker = GradientWorker(p: p, itemDimension: di, relationalDimension: dr)
        let pair = LabeledPair(1, 2, positive: positive)
        worker.run([pair], features: features, itemFactor: li, relationalFactor: lic, margin: margin)

        let dx = (0..<di).map { Double(features.item[1 * di + $0]) - Double(features.item[2 * di + $0]) }
        let dz = (0..<dr).map { Double(features.relational[1 * dr + $0]) - Double(features.relational[2 * dr + $0]) }
        let liD = li.map(Double.init), licD = lic.map(Double.init)
        let h = 1e-5
        var maxErr = 0.0, maxG = 0.0
        for k in liD.indices {
            var up = liD, down = liD
            up[k] += h; down[k] -= h
            let num = (referenceLoss(up, licD, p: p, dx: dx, dz: dz, positive: positive, margin: margin)
                - referenceLoss(down, licD, p: p, dx: dx, dz: dz, positive: positive, margin: margin)) / (2 * h)
            maxErr = max(maxErr, abs(num - Double(worker.gradItem[k])))
            maxG = max(maxG, abs(num))
        }
        for k in licD.indices {
            var up = licD, down = licD
            up[k] += h; down[k] -= h
            let num = (referenceLoss(liD, up, p: p, dx: dx, dz: dz, positive: positive, margin: margin)
                - referenceLoss(liD, down, p: p, dx: dx, dz: dz, positive: positive, margin: margin)) / (2 * h)
            maxErr = max(maxErr, abs(num - Double(worker.gradRelational[k])))
            maxG = max(maxG, abs(num))
        }
        return (maxErr, maxG, worker.loss)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func positiveBranch(seed: UInt64) throws {
        let r = try Self.check(positive: true, margin: 1, seed: seed)
        #expect(r.scale > 1e-3)
        #expect(r.error <= 1e-3 * max(1, r.scale))
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func negativeBranchInsideMargin(seed: UInt64) throws {
        // A margin far beyond the pair's distance keeps the hinge active.
        let r = try Self.check(positive: false, margin: 20, seed: seed)
        #expect(r.loss > 0)
        #expect(r.scale > 1e-3)
        #expect(r.error <= 1e-3 * max(1, r.scale))
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func negativeBranchHingeInactive(seed: UInt64) throws {
        // A tiny margin: the pair is already far enough, so loss and gradient vanish.
        let r = try Self.check(positive: false, margin: 1e-3, seed: seed)
        #expect(r.loss == 0)
        #expect(r.scale == 0)
        #expect(r.error == 0)
    }

    @Test func lossValuesMatchTheFormula() {
        #expect(ContrastiveLoss.value(distance: 0.8, positive: true, margin: 1) == 0.4)
        let neg = ContrastiveLoss.value(distance: 0.25, positive: false, margin: 1)
        #expect(abs(neg - 0.5 * 0.5 * 0.5) < 1e-9)
        #expect(ContrastiveLoss.value(distance: 4, positive: false, margin: 1) == 0)
        #expect(ContrastiveLoss.derivative(distance: 4, positive: false, margin: 1) == 0)
    }
}
