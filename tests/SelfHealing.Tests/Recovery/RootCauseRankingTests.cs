using SelfHealing.Recovery;

namespace SelfHealing.Tests.Recovery;

/// <summary>The choice of a root cause among a component and its troubled dependencies, on hand-written graphs.</summary>
public sealed class RootCauseRankingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // A process everything runs in; a database and a payments API; services that use them.
    private static readonly Dictionary<string, IReadOnlyList<string>> Graph = new(StringComparer.Ordinal)
    {
        ["process"] = [],
        ["database"] = ["process"],
        ["payments"] = ["process"],
        ["inventory"] = ["database", "process"],
        ["orders"] = ["database", "payments", "process"],
        ["catalog"] = ["database", "process"],
        ["email"] = ["process"],
    };

    private static string Best(string[] troubled, string[] candidates, params (string Name, int Seconds)[] firstBad) =>
        RootCauseRanking.Best(
            Graph,
            new HashSet<string>(troubled, StringComparer.Ordinal),
            candidates,
            c => firstBad.Where(f => f.Name == c).Select(f => (DateTimeOffset?)T0.AddSeconds(f.Seconds)).FirstOrDefault());

    [Fact]
    public void A_busy_process_does_not_explain_one_failing_dependency_even_when_it_was_busy_first()
    {
        Best(["process", "payments", "orders"], ["orders", "payments", "process"], ("process", 0), ("payments", 1), ("orders", 2))
            .Should().Be("payments", "a busy process would have troubled the database, the catalog and the rest too");
        Best(["process", "payments"], ["payments", "process"], ("process", 0), ("payments", 1))
            .Should().Be("payments");
    }

    [Fact]
    public void A_process_whose_trouble_shows_nearly_everywhere_is_the_root_cause()
    {
        Best(["process", "database", "payments", "inventory", "orders", "catalog"], ["inventory", "database", "process"], ("database", 0), ("process", 1))
            .Should().Be("process", "only the process reaches the payments API as well as the database's users");
    }

    [Fact]
    public void A_failing_dependency_explains_the_dependents_it_reaches()
    {
        Best(["database", "inventory", "orders", "catalog"], ["catalog", "database"], ("database", 0), ("catalog", 0))
            .Should().Be("database");
        Best(["database", "catalog", "inventory"], ["catalog", "database"], ("catalog", 0), ("database", 1))
            .Should().Be("database", "three of the four components it reaches are in trouble, though the catalog's trouble showed first");
    }

    [Fact]
    public void Trouble_that_no_candidate_reaches_does_not_count_and_ties_go_to_the_earliest()
    {
        var graph = new Dictionary<string, IReadOnlyList<string>>(Graph, StringComparer.Ordinal) { ["elsewhere"] = [] };
        string best = RootCauseRanking.Best(
            graph,
            new HashSet<string>(["database", "inventory", "elsewhere"], StringComparer.Ordinal),
            ["inventory", "database"],
            c => c == "inventory" ? T0 : T0.AddSeconds(1));
        best.Should().Be("inventory", "without the trouble elsewhere the two explain as well (the database would have troubled its other users too), and the inventory's showed first");

        RootCauseRanking.Best(
            new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["a"] = [], ["b"] = ["a"] },
            new HashSet<string>(["a", "b"], StringComparer.Ordinal),
            ["b", "a"],
            c => c == "b" ? T0 : T0.AddSeconds(1)).Should().Be("a", "a reaches both: a perfect match");
        FluentActions.Invoking(() => RootCauseRanking.Best(Graph, new HashSet<string>(), [], _ => null))
            .Should().Throw<ArgumentOutOfRangeException>();
    }
}
