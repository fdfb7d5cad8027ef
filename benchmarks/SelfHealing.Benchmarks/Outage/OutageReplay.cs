using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;

namespace SelfHealing.Benchmarks.Outage;

/// <summary>One stretch of the replay: what the dependency does, for how long.</summary>
internal sealed record OutagePhase(string Name, DependencyMode Mode, TimeSpan Duration);

/// <summary>The phases to replay, the number of concurrent callers, and changes to the quick start's breaker options.</summary>
internal sealed record OutagePlan(IReadOnlyList<OutagePhase> Phases, int Callers, TimeSpan HealthPollInterval, Action<CircuitBreakerOptions>? Adjust = null)
{
    /// <summary>The replay: a minute of healthy traffic, then all 500s, refused connections and 2 s answers, each followed by a healthy stretch.</summary>
    public static OutagePlan Full { get; } = new(
        [
            new("healthy", DependencyMode.Healthy, TimeSpan.FromSeconds(60)),
            new("all 500s", DependencyMode.Failing, TimeSpan.FromSeconds(20)),
            new("healthy", DependencyMode.Healthy, TimeSpan.FromSeconds(20)),
            new("refused", DependencyMode.Refusing, TimeSpan.FromSeconds(20)),
            new("healthy", DependencyMode.Healthy, TimeSpan.FromSeconds(20)),
            new("2 s answers", DependencyMode.Slow, TimeSpan.FromSeconds(20)),
            new("healthy", DependencyMode.Healthy, TimeSpan.FromSeconds(20)),
        ],
        Callers: 32,
        HealthPollInterval: TimeSpan.FromMilliseconds(20));

    /// <summary>The same replay in about 15 seconds: shorter stretches and a 1 s break so the circuit closes within them.</summary>
    public static OutagePlan Short { get; } = new(
        [
            new("healthy", DependencyMode.Healthy, TimeSpan.FromSeconds(2)),
            new("all 500s", DependencyMode.Failing, TimeSpan.FromSeconds(1.5)),
            new("healthy", DependencyMode.Healthy, TimeSpan.FromSeconds(2.5)),
            new("refused", DependencyMode.Refusing, TimeSpan.FromSeconds(1.5)),
            new("healthy", DependencyMode.Healthy, TimeSpan.FromSeconds(2.5)),
            new("2 s answers", DependencyMode.Slow, TimeSpan.FromSeconds(2)),
            new("healthy", DependencyMode.Healthy, TimeSpan.FromSeconds(3)),
        ],
        Callers: 32,
        HealthPollInterval: TimeSpan.FromMilliseconds(20),
        Adjust: o => o.BreakDuration = TimeSpan.FromSeconds(1));

    public int Outages => Phases.Count(p => p.Mode != DependencyMode.Healthy);
}

/// <summary>A breaker transition seen on the app's event hub.</summary>
internal sealed record Transition(DateTimeOffset At, CircuitState From, CircuitState To);

/// <summary>One request to <c>/health</c>: when it was sent and answered, the HTTP status and the body's status.</summary>
internal sealed record HealthPoll(DateTimeOffset Sent, DateTimeOffset Received, int Status, string BodyStatus);

/// <summary>A phase as it ran.</summary>
internal sealed record PhaseRun(OutagePhase Phase, DateTimeOffset Start, DateTimeOffset End);

/// <summary>Everything the replay saw; the figures are computed from it.</summary>
internal sealed class OutageRecording
{
    public required IReadOnlyList<PhaseRun> Phases { get; init; }

    public required IReadOnlyList<Transition> Transitions { get; init; }

    public required IReadOnlyList<HealthPoll> Polls { get; init; }

    public required IReadOnlyList<LoggedLine> Lines { get; init; }

    public required int Warnings { get; init; }

    public required int Errors { get; init; }

    public required DateTimeOffset Start { get; init; }

    /// <summary>Answers per second of the replay: from the dependency, from the fallback, and errors (not 200).</summary>
    public required (long Answered, long Fallback, long Failed)[] Seconds { get; init; }
}

/// <summary>
/// Starts the fake dependency, the quick-start app and a load generator on 127.0.0.1 in this process, replays the
/// plan's phases while polling <c>/health</c>, and records transitions, polls, answers and log lines.
/// </summary>
internal static class OutageReplay
{
    public static async Task<OutageRecording> RunAsync(OutagePlan plan, CancellationToken cancellationToken = default)
    {
        await using FakeDependency dependency = await FakeDependency.StartAsync();
        await using QuickStartApp app = await QuickStartApp.StartAsync(dependency.Address, plan.Adjust);
        using EventSubscription changes = app.Subscribe("outage-replay", e => e is CircuitStateChanged);
        var transitions = new ConcurrentQueue<Transition>();
        Task watching = WatchAsync(changes, transitions);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = plan.Callers + 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };
        TimeSpan total = plan.Phases.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration);
        var seconds = new (long Answered, long Fallback, long Failed)[(int)Math.Ceiling(total.TotalSeconds) + 30];
        var polls = new ConcurrentQueue<HealthPoll>();
        DateTimeOffset start = TimeProvider.System.GetUtcNow();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task[] callers = [.. Enumerable.Range(0, plan.Callers).Select(_ => Task.Run(() => CallAsync(client, start, seconds, stop.Token), CancellationToken.None))];
        Task polling = Task.Run(() => PollAsync(client, plan.HealthPollInterval, polls, stop.Token), CancellationToken.None);

        var runs = new List<PhaseRun>();
        try
        {
            foreach (OutagePhase phase in plan.Phases)
            {
                // The phase starts when the switch does: stopping the dependency already refuses new connections.
                DateTimeOffset began = TimeProvider.System.GetUtcNow();
                await dependency.SwitchAsync(phase.Mode);
                TimeSpan rest = phase.Duration - (TimeProvider.System.GetUtcNow() - began);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, cancellationToken);
                }

                runs.Add(new PhaseRun(phase, began, TimeProvider.System.GetUtcNow()));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll([.. callers, polling]);
        }

        changes.Dispose();
        await watching;
        return new OutageRecording
        {
            Phases = runs,
            Transitions = [.. transitions],
            Polls = [.. polls.OrderBy(p => p.Sent)],
            Lines = app.Log.Lines,
            Warnings = app.Log.Warnings,
            Errors = app.Log.Errors,
            Start = start,
            Seconds = seconds,
        };
    }

    private static async Task WatchAsync(EventSubscription changes, ConcurrentQueue<Transition> into)
    {
        await foreach (SelfHealingEvent e in changes.Reader.ReadAllAsync())
        {
            if (e is CircuitStateChanged change)
            {
                into.Enqueue(new Transition(change.Timestamp, change.PreviousState, change.State));
            }
        }
    }

    private static async Task CallAsync(HttpClient client, DateTimeOffset start, (long Answered, long Fallback, long Failed)[] seconds, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            int outcome;
            try
            {
                using HttpResponseMessage response = await client.GetAsync("/forecast", stop);
                string body = await response.Content.ReadAsStringAsync(stop);
                outcome = response.StatusCode != HttpStatusCode.OK ? 2 : body == QuickStartApp.FallbackBody ? 1 : 0;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                outcome = 2;
            }

            int second = Math.Min((int)(TimeProvider.System.GetUtcNow() - start).TotalSeconds, seconds.Length - 1);
            switch (outcome)
            {
                case 0: Interlocked.Increment(ref seconds[second].Answered); break;
                case 1: Interlocked.Increment(ref seconds[second].Fallback); break;
                default: Interlocked.Increment(ref seconds[second].Failed); break;
            }
        }
    }

    private static async Task PollAsync(HttpClient client, TimeSpan interval, ConcurrentQueue<HealthPoll> into, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            DateTimeOffset sent = TimeProvider.System.GetUtcNow();
            try
            {
                using HttpResponseMessage response = await client.GetAsync("/health", stop);
                string body = await response.Content.ReadAsStringAsync(stop);
                into.Enqueue(new HealthPoll(sent, TimeProvider.System.GetUtcNow(), (int)response.StatusCode, StatusOf(body)));
                await Task.Delay(interval, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                into.Enqueue(new HealthPoll(sent, TimeProvider.System.GetUtcNow(), 0, "unreachable"));
            }
        }
    }

    private static string StatusOf(string body)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("status").GetString() ?? "?";
        }
        catch (JsonException)
        {
            return body.Trim();
        }
    }
}
