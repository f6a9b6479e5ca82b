/// Chooses the routes of a ``Conv2d`` call (``ConvPlan``): one rule, in one place, for every
/// layer, instead of a chain of checks inside `forward` and `backward`.
///
/// For each pass the planner walks ``ConvRoute``'s cases in order (Winograd, channel kernel,
/// flat kernel, im2col) and takes the first that can run the pass
/// (``ConvRouteImplementation/canRun(_:_:)``: its limits, the CPU, `PRUNELAB_CONV=im2col`) and
/// that measurements pick (``ConvRouteImplementation/isMeasuredChoice(_:_:)``, steered by
/// `PRUNELAB_CONV`, `PRUNELAB_WINOGRAD`, `PRUNELAB_DIRECT_MIN_WORK`); im2col always can and
/// always is picked. The weight gradient is planned before the input gradient, whose flat
/// route needs the weight gradient's (the flat kernel computes both in one pass over the
/// padded planes). A layer's ``ConvRoutePreference`` can prefer or avoid one route (tests).
/// A compressed layer's forward pass takes one of the sparse routes instead
/// (``ConvPlan/sparseForward``, ``SparseConvRoute/choose(_:)``).
///
/// The plan depends only on its inputs, so a layer caches it per geometry (``Conv2d/plan(height:width:batch:)``);
/// the settings and the CPU are the process's unless a test passes others.
public enum ConvPlanner {
    /// The plan for `geometry` under `preference`, `settings` and `machine`.
    public static func plan(_ geometry: ConvGeometry, preference: ConvRoutePreference = .measured,
                            settings: Settings = .current, machine: ConvMachine = .current) -> ConvPlan {
        var query = ConvPlanQuery(geometry: geometry, settings: settings, machine: machine, weightGradient: nil)
        let forward = route(.forward, query, preference)
        let weightGradient = route(.weightGradient, query, preference)
        query.weightGradient = weightGradient
        let inputGradient = route(.inputGradient, query, preference)
        return ConvPlan(geometry: geometry, forward: forward, inputGradient: inputGradient,
                        weightGradient: weightGradient, settings: settings)
    }

    /// The route of one pass.
    static func route(_ pass: ConvPass, _ query: ConvPlanQuery, _ preference: ConvRoutePreference) -> ConvRoute {
        if case .prefer(let preferred) = preference, preferred.implementation.canRun(pass, query) { return preferred }
        for candidate in ConvRoute.allCases where preference != .avoid(candidate) {
            let route = candidate.implementation
            if route.canRun(pass, query) && route.isMeasuredChoice(pass, query) { return candidate }
        }
        return .im2col
    }
}
