import Testing
@testable import Engine

/// Bad inputs give errors that say what is wrong, never NaN or a crash.
@Suite struct SimilarityErrorTests {
    typealias F = SimilarityFixtures

    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch let e as EngineError { return e.message } catch { return "\(error)" }
        return "(no error)"
    }

    @Test func mismatchedDatapointsNameBothInputs() throws {
        let text = message { _ = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(F.normals(3, 100, seed: 1), "a"), F.layer(F.normals(3, 99, seed: 2), "b")) }
        #expect(text.contains("different numbers of datapoints") && text.contains("a has 100") && text.contains("b has 99"))
    }

    @Test func nonFiniteEntriesAreCounted() throws {
        var x = F.normals(3, 100, seed: 3)
        x[0, 1] = .nan; x[2, 5] = .infinity; x[1, 7] = .nan
        for measure in F.allMeasures {
            let text = message { _ = try measure.compute(F.layer(x, "a"), F.layer(F.normals(2, 100, seed: 4), "b")) }
            #expect(text.contains("a has 3 non-finite entries (2 NaN, 1 infinite)"), "\(measure.name): \(text)")
        }
    }

    @Test func transposedInputsAreRecognised() throws {
        let text = message { _ = try SimilarityMeasure.svcca(.standard, epsilon: 1e-10).compute(F.layer(F.normals(50, 10, seed: 5), "a"), F.layer(F.normals(50, 10, seed: 6), "b")) }
        #expect(text.contains("a has fewer datapoints (10) than neurons (50)") && text.contains("probably transposed"))
        var detail: EngineError.Detail?
        do { _ = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(F.normals(50, 10, seed: 5), "a"), F.layer(F.normals(50, 100, seed: 6), "b")) } catch let e as EngineError { detail = e.detail } catch {}
        #expect(detail == .probablyTransposed(name: "a", neurons: 50, datapoints: 10, shape: "50×10"))
    }

    @Test func emptyAndMisshapenInputsAreRejected() throws {
        #expect(message { _ = try LayerActivations(Tensor.zeros([0, 5], dtype: .float64), name: "a") }.contains("a is empty"))
        #expect(message { _ = try LayerActivations(Tensor.zeros([3, 0]), name: "b") }.contains("b is empty"))
        #expect(message { _ = try LayerActivations(Tensor.zeros([2, 0, 3, 3]), name: "a") }.contains("a is empty"))
        #expect(message { _ = try LayerActivations(Tensor.zeros([2, 3, 4]), name: "a") }.contains("expected a 2-D tensor"))
        #expect(message { _ = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(F.normals(1, 1, seed: 7), "a"), F.layer(F.normals(1, 1, seed: 8), "b")) }.contains("at least 2 datapoints"))
    }

    @Test func parametersOutOfRangeAreRejected() throws {
        let x = try F.layer(F.normals(2, 50, seed: 9))
        for measure: SimilarityMeasure in [.cca(epsilon: -1), .cca(epsilon: .nan), .svcca(.dims(0), epsilon: 1e-10), .svcca(.variance(1.5), epsilon: 1e-10),
                                           .svcca(.energy(0), epsilon: 1e-10), .cka(.rbf(sigma: 0), debiased: false), .cka(.rbf(sigma: .infinity), debiased: false)] {
            #expect(throws: EngineError.self, "\(measure.name)") { try measure.compute(x, x) }
        }
        let few = try F.layer(F.normals(1, 3, seed: 10))
        #expect(message { _ = try SimilarityMeasure.cka(.linear, debiased: true).compute(few, few) }.contains("at least 4 datapoints"))
    }

    @Test func overflowingValuesAreAnErrorNotNaN() throws {
        var x = F.normals(2, 50, seed: 11)
        for i in x.elements.indices { x.elements[i] *= 1e300 }
        #expect(throws: EngineError.self) { try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(x), F.layer(x, "b")) }
    }

    @Test func measureNamesSayWhatProducedTheNumber() {
        #expect(SimilarityMeasure.svcca(.standard, epsilon: 1e-10).name == "svcca(variance=0.99)")
        #expect(SimilarityMeasure.svcca(.dims(20), epsilon: 1e-6).name == "svcca(dims=20, epsilon=1e-06)")
        #expect(SimilarityMeasure.cca(epsilon: 1e-10).name == "cca")
        #expect(SimilarityMeasure.cka(.rbf(sigma: 0.5), debiased: true).name == "cka(rbf, sigma=0.5, debiased)")
        #expect(SimilarityMeasure.cka(.linear, debiased: false).name == "cka(linear)")
    }

    @Test func pwccaNamesItsSignConvention() throws {
        let pwcca = SimilarityMeasure.pwcca(epsilon: 1e-10)
        #expect(pwcca.name == "pwcca")
        #expect(pwcca.parameters.map(\.name) == ["epsilon", "signs"])
        #expect(pwcca.parameters.last?.value == .text("largest-positive"))
        #expect(!SimilarityMeasure.cca(epsilon: 1e-10).parameters.contains { $0.name == "signs" })
        let r = try pwcca.compute(F.layer(F.normals(3, 40, seed: 1)), F.layer(F.normals(4, 40, seed: 2), "b"))
        #expect(r.description.hasSuffix("40 datapoints; " + ProjectionWeightedCCA.signConventionSummary + "; 1 = identical)"))
        #expect(r.description.contains("signs fixed: largest |coefficient| of each direction positive"))
    }
}
