@testable import M2GRLDiversity
import M2GRLCore
import M2GRLData
import Testing

/// Training on a planted problem, determinism, and PSD-ness of the learned metric.
@Suite struct TrainingTests {
    static func configuration(threads: Int = 1, epochs: Int = 12) -> DiversityConfiguration {
        var c = DiversityConfiguration()
        c.window = 2
        c.epochs = epochs
        c.batchSize = 32
        c.learningRate = 0.02
        c.threads = threads
        c.validationFraction = 0.2
        c.patience = 0
        c.seed = 3
        return c
    }

    static func run(_ c: DiversityConfiguration) throws -> (DiversityTrainingResult, Fixtures.Planted) {
        let toy = try Fixtures.planted()
        let sampler = try PairSampler(sessions: toy.sessions, categoryOfItem: toy.categoryOfItem, available: toy.features.available, window: c.window)
        let result = try DiversityTrainer(configuration: c).train(features: toy.features, sampler: sampler, alignment: toy.alignment)
        return (result, toy)
    }

    @Test func trainingReducesLossAndSeparatesPositives() throws {
        let (result, toy) = try Self.run(Self.configuration())
        let first = try #require(result.history.first?.validation)
        let best = try #require(result.history.first { $0.epoch == result.bestEpoch }?.validation)
        #expect(result.history.count == 13)
        #expect(best.loss < 0.7 * first.loss)
        #expect(best.meanPositiveDistance < best.meanNegativeDistance)
        #expect(best.auc > 0.85)
        #expect(best.auc > first.auc)
        let trainLosses = result.history.dropFirst().compactMap(\.trainLoss)
        #expect(trainLosses.last! < trainLosses.first!)
        // Same-group pairs end closer than different-group pairs on average.
        var same = [Double](), other = [Double]()
        for a in 1..<toy.group.count { for b in (a + 1)..<toy.group.count {
            let (di, dic) = try result.model.distances(a, b, in: toy.features)
            if toy.group[a] == toy.group[b] { same.append(di + dic) } else { other.append(di + dic) }
        } }
        let meanSame: Double = same.reduce(0, +) / Double(same.count)
        let meanOther: Double = other.reduce(0, +) / Double(other.count)
        #expect(meanSame < 0.5 * meanOther)
    }

    @Test func learnedMetricsArePositiveSemidefinite() throws {
        let (result, _) = try Self.run(Self.configuration(epochs: 4))
        for factor in [result.model.itemFactor, result.model.relationalFactor] {
            let m = factor.gram()
            let eig = Self.symmetricEigenvalues(m)
            let scale = max(1, eig.map(abs).max() ?? 1)
            #expect(eig.allSatisfy { $0 >= -1e-9 * scale }, "eigenvalues \(eig)")
            var rng = SeededGenerator(seed: 1)
            for _ in 0..<50 {
                let x = (0..<m.count).map { _ in rng.nextGaussian() }
                var q = 0.0
                for i in 0..<m.count { for j in 0..<m.count { q += x[i] * m[i][j] * x[j] } }
                #expect(q >= -1e-9 * scale)
            }
        }
    }

    @Test func oneThreadRunsAreDeterministic() throws {
        let a = try Self.run(Self.configuration(epochs: 2)).0
        let b = try Self.run(Self.configuration(epochs: 2)).0
        #expect(a.model == b.model)
        #expect(a.history.map(\.trainLoss) == b.history.map(\.trainLoss))
    }

    @Test func twoThreadsTrainAsWell() throws {
        let (result, _) = try Self.run(Self.configuration(threads: 2, epochs: 6))
        let first = try #require(result.history.first?.validation)
        let best = try #require(result.history.first { $0.epoch == result.bestEpoch }?.validation)
        #expect(best.loss < first.loss)
        // Deterministic for a fixed thread count too.
        let again = try Self.run(Self.configuration(threads: 2, epochs: 6)).0
        #expect(again.model == result.model)
    }

    @Test func stopRequestEndsTrainingWithAModel() throws {
        let (toy) = try Fixtures.planted()
        let c = Self.configuration(epochs: 50)
        let sampler = try PairSampler(sessions: toy.sessions, categoryOfItem: toy.categoryOfItem, available: toy.features.available, window: 2)
        let result = try DiversityTrainer(configuration: c).train(features: toy.features, sampler: sampler, alignment: toy.alignment,
                                                                 shouldStop: { true })
        #expect(result.interrupted)
        #expect(result.history.count == 2)
        #expect(result.history[1].pairs == 0)
    }

    @Test func noPositivePairsIsATypedError() throws {
        let toy = try Fixtures.planted()
        let sameCategory = [Int32](repeating: 1, count: toy.categoryOfItem.count)
        let sampler = try PairSampler(sessions: toy.sessions, categoryOfItem: sameCategory, available: toy.features.available, window: 2)
        #expect(sampler.positives.isEmpty)
        #expect(throws: DiversityError.self) {
            try DiversityTrainer(configuration: Self.configuration()).train(features: toy.features, sampler: sampler, alignment: toy.alignment)
        }
    }

    /// Jacobi eigenvalue iteration for a small symmetric matrix.
    static func symmetricEigenvalues(_ input: [[Double]]) -> [Double] {
        var a = input
        let n = a.count
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where i != j { off += a[i][j] * a[i][j] } }
            if off < 1e-22 { break }
            for p in 0..<n { for q in (p + 1)..<n where abs(a[p][q]) > 1e-300 {
                let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<n {
                    let akp = a[k][p], akq = a[k][q]
                    a[k][p] = c * akp - s * akq
                    a[k][q] = s * akp + c * akq
                }
                for k in 0..<n {
                    let apk = a[p][k], aqk = a[q][k]
                    a[p][k] = c * apk - s * aqk
                    a[q][k] = s * apk + c * aqk
                }
            } }
        }
        return (0..<n).map { a[$0][$0] }
    }
}
