using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SelfHealing.Benchmarks.Outage;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/SelfHealing.Benchmarks -- outage [--short]</c>: replays one dependency's
/// outages against the README's quick start (a real Kestrel app on 127.0.0.1 with a fake dependency and a load
/// generator in this process), prints a timeline, the breaker's transitions with the lag of <c>/health</c>, the log
/// lines at Warning or above, and as its last line the summary the issue specifies.
/// </summary>
internal static class OutageBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        OutagePlan plan = args.Contains("--short") ? OutagePlan.Short : OutagePlan.Full;
        Console.WriteLine($"Replaying {string.Join(", then ", plan.Phases.Select(p => $"{p.Name} {p.Duration.TotalSeconds:0.#} s"))}; {plan.Callers} concurrent callers, /health polled every {plan.HealthPollInterval.TotalMilliseconds:0} ms.");
        OutageRecording recording = await OutageReplay.RunAsync(plan);
        OutageFigures figures = OutageFigures.From(recording);
        Print(figures, plan.Phases.Sum(p => p.Duration.TotalSeconds) > 60 ? 5 : 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{plan.Outages} outages: {recording.Warnings} warnings, {recording.Errors} errors logged ({(double)recording.Warnings / plan.Outages:0.##} warnings per outage)."));
        Console.WriteLine(figures.SummaryLine());
        return 0;
    }

    private static void Print(OutageFigures figures, int step)
    {
        OutageRecording recording = figures.Recording;
        Console.WriteLine();
        Console.WriteLine("   t  phase         calls/s   answered  fallback  errors  breaker    /health");
        PhaseRun last = recording.Phases[^1];
        int seconds = (int)Math.Ceiling((last.End - recording.Start).TotalSeconds);
        for (int at = 0; at < seconds; at += step)
        {
            DateTimeOffset from = recording.Start.AddSeconds(at);
            DateTimeOffset to = from.AddSeconds(step);
            (long answered, long fallback, long failed) = (0, 0, 0);
            for (int s = at; s < Math.Min(at + step, recording.Seconds.Length); s++)
            {
                answered += recording.Seconds[s].Answered;
                fallback += recording.Seconds[s].Fallback;
                failed += recording.Seconds[s].Failed;
            }

            long calls = answered + fallback + failed;
            string phase = recording.Phases.LastOrDefault(p => p.Start <= to)?.Phase.Name ?? "";
            string state = recording.Transitions.LastOrDefault(t => t.At < to)?.To.ToString() ?? "Closed";
            string health = string.Join("/", recording.Polls.Where(p => p.Sent >= from && p.Sent < to).Select(p => p.Status == 200 ? p.BodyStatus : $"{p.Status} {p.BodyStatus}").Distinct());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{at,4}  {phase,-12} {calls / (double)step,8:N0}  {Share(answered, calls),8}  {Share(fallback, calls),8}  {failed,6}  {state,-9}  {health}"));
        }

        Console.WriteLine();
        foreach (PhaseReaction reaction in figures.Openings.Concat(figures.Closings).OrderBy(r => r.Run.Start))
        {
            string verb = reaction.Awaited == SelfHealing.CircuitBreakers.CircuitState.Open ? "opened" : "closed";
            Console.WriteLine(reaction.After is { } after
                ? $"{reaction.Run.Phase.Name}: {verb} {after.TotalMilliseconds:F0} ms after the switch"
                : $"{reaction.Run.Phase.Name}: never {verb} in {(reaction.Run.End - reaction.Run.Start).TotalSeconds:0.#} s");
        }

        foreach (HealthLag lag in figures.Lags)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(lag.Transition.At - recording.Start).TotalSeconds,7:F3} s  {lag.Transition.From} -> {lag.Transition.To}: /health {lag.Expected} {(lag.Lag is { } l ? $"after {l.TotalMilliseconds:F0} ms" : "until the end")}"));
        }

        Console.WriteLine();
        foreach (LoggedLine line in recording.Lines.OrderBy(l => l.At).Take(60))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(line.At - recording.Start).TotalSeconds,7:F3} s  {Level(line.Level)} {line.Category}[{line.EventId}] {line.Message}"));
        }
    }

    private static string Share(long part, long total) => total == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / total:F1}%");

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Information => "info",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRIT",
        _ => level.ToString(),
    };
}
