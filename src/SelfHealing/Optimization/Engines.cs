namespace SelfHealing.Optimization;

/// <summary>The <see cref="OptimizerEngine.Auto"/> choice.</summary>
internal static class Engines
{
    /// <summary>CMA-ES when the genes are numbers and at most one is a boolean or categorical choice; the genetic optimizer otherwise.</summary>
    public static OptimizerEngine Choose(IReadOnlyList<GeneDefinition> genes) =>
        genes.Count(g => g.Kind is GeneKind.Boolean or GeneKind.Categorical) <= 1 && genes.Any(g => g.Kind is GeneKind.Real or GeneKind.Whole)
            ? OptimizerEngine.CmaEs
            : OptimizerEngine.Genetic;
}
