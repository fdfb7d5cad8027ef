using SelfHealing.Health;
using SelfHealing.Recovery;
using SelfHealing.Tests.TestSupport;
using SelfHealing.Timing;

namespace SelfHealing.Tests.Recovery;

/// <summary>The run engine alone: one plan on one component, behind a scripted health view, a recording journal and a fake clock.</summary>
public sealed class RecoveryRunEngineTests
{
    private readonly SignallingClock _clock = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly ScriptedHealth _health;
    private readonly RecordingJournal _journal = new();

    public RecoveryRunEngineTests() => _health = new ScriptedHealth { Time = _clock.Fake };

    [Fact]
    public async Task The_lease_is_given_back_when_the_checkpoint_throws()
    {
        var leases = new RecordingLeases(_clock);
        HealableTarget db = Target(new HealableComponentBuilder("db")
            .SharedAs("orders-db")
            .OnRestart(_ => ValueTask.CompletedTask)
            .OnCheckpoint(_ => throw new IOException("disk full"), (_, _) => ValueTask.CompletedTask));
        _health.Set("db", HealthLevel.Failed);

        Func<Task> run = () => Engine(new RecoveryOptions(), leases).RunPlanAsync(Record("db"), db, Plan(RecoveryStrategy.Restart), HealthLevel.Failed, CancellationToken.None);

        await run.Should().ThrowAsync<IOException>().WithMessage("disk full");
        leases.GivenBack.Should().ContainSingle().Which.Should().Be((false, "Restart of db: not recovered"));
    }

    [Fact]
    public async Task An_attempt_that_leaves_the_component_worse_is_rolled_back_to_its_checkpoint()
    {
        object? restored = null;
        HealableTarget cache = Target(new HealableComponentBuilder("cache")
            .OnRestart(_ =>
            {
                _health.Set("cache", HealthLevel.Failed); // worse than before
                return ValueTask.CompletedTask;
            })
            .OnCheckpoint(_ => ValueTask.FromResult<object?>("size=256"), (state, _) =>
            {
                restored = state;
                return ValueTask.CompletedTask;
            }));
        _health.Set("cache", HealthLevel.Critical);
        _health.CheckTakes = TimeSpan.FromSeconds(30); // one check passes the verification deadline
        IncidentRecord record = Record("cache");

        RunOutcome outcome = await Engine(new RecoveryOptions(), leases: null)
            .RunPlanAsync(record, cache, Plan(RecoveryStrategy.Restart), HealthLevel.Critical, CancellationToken.None);

        restored.Should().Be("size=256");
        outcome.Status.Should().Be(IncidentStatus.Escalated);
        outcome.Message.Should().Be("nothing recovered cache (tried: Restart #1): a human has to act.");
        _journal.Notes.Should().Contain(("rollback", "cache went from Critical to Failed after Restart: checkpoint of 2026-12-03T09:00:00.0000000+00:00 restored"));
        record.Current.Attempts.Should().ContainSingle().Which.RolledBack.Should().BeTrue();
        _journal.Learned.Should().ContainSingle().Which.Should().Match<RecoveryAttempt>(a => !a.Succeeded && a.RolledBack);
    }

    [Fact]
    public async Task Retries_wait_the_plan_s_backoff_on_the_engine_s_clock()
    {
        var restartedAt = new List<TimeSpan>();
        DateTimeOffset start = _clock.GetUtcNow();
        HealableTarget worker = Target(new HealableComponentBuilder("worker").OnRestart(_ =>
        {
            restartedAt.Add(_clock.GetUtcNow() - start);
            return ValueTask.CompletedTask;
        }));
        _health.Set("worker", HealthLevel.Failed);
        _health.CheckTakes = TimeSpan.FromSeconds(1); // the verification deadline (1 s) passes with the first check
        var options = new RecoveryOptions { VerificationTimeout = TimeSpan.FromSeconds(1) };
        RecoveryPlan plan = Plan(RecoveryStrategy.Restart);
        plan.MaxRetries = 2;
        plan.RetryDelay = TimeSpan.FromSeconds(10);
        plan.BackoffFactor = 2;

        Task<RunOutcome> run = Engine(options, leases: null).RunPlanAsync(Record("worker"), worker, plan, HealthLevel.Failed, CancellationToken.None);
        await _clock.AdvanceWhenWaitedOnAsync(TimeSpan.FromSeconds(10));
        await _clock.AdvanceWhenWaitedOnAsync(TimeSpan.FromSeconds(20));
        RunOutcome outcome = await run.WaitAsync(TimeSpan.FromSeconds(10));

        restartedAt.Should().Equal(TimeSpan.Zero, TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(32)); // 1 s of checking, then 10 s, then 20 s
        outcome.Message.Should().Be("nothing recovered worker (tried: Restart #1, Restart #2, Restart #3): a human has to act.");
        _journal.Learned.Should().HaveCount(3).And.OnlyContain(a => !a.Succeeded);
    }

    [Fact]
    public async Task A_fallback_that_works_is_reported_as_left_on()
    {
        bool? fallback = null;
        HealableTarget api = Target(new HealableComponentBuilder("api").OnFallback((on, _) =>
        {
            fallback = on;
            _health.Set("api", HealthLevel.Healthy);
            return ValueTask.CompletedTask;
        }));
        _health.Set("api", HealthLevel.Failed);

        RunOutcome outcome = await Engine(new RecoveryOptions(), leases: null)
            .RunPlanAsync(Record("api"), api, Plan(RecoveryStrategy.Restart, RecoveryStrategy.Fallback), HealthLevel.Failed, CancellationToken.None);

        fallback.Should().BeTrue();
        outcome.Should().Be(new RunOutcome(IncidentStatus.Resolved, "api recovered after Fallback (attempt 1).") { FallbackLeftOn = true });
        _journal.Notes.Should().Contain(("action", "Restart skipped: api does not support it"));
    }

    private RecoveryRunEngine Engine(RecoveryOptions options, IRecoveryLeases? leases) =>
        new(_health, _clock, () => options, new DenyingApprovalGate(), leases, configuration: null, _journal, new WorkGauge());

    private static HealableTarget Target(HealableComponentBuilder builder)
    {
        HealableTarget target = HealableTarget.From(builder.Build());
        return target.In(new EmptyServices());
    }

    private IncidentRecord Record(string component) =>
        new(new Incident($"incident-{component}", component, FailureTypes.Failed, IncidentStatus.Recovering, _clock.GetUtcNow(), _clock.GetUtcNow()));

    private static RecoveryPlan Plan(RecoveryStrategy primary, params RecoveryStrategy[] fallbacks)
    {
        var plan = new RecoveryPlan { FailureType = FailureTypes.Failed, Primary = primary, MaxRetries = 0 };
        foreach (RecoveryStrategy strategy in fallbacks)
        {
            plan.Fallbacks.Add(strategy);
        }

        return plan;
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private sealed class RecordingJournal : IRecoveryJournal
    {
        public List<(string Kind, string Message)> Notes { get; } = [];

        public List<RecoveryAttempt> Learned { get; } = [];

        public void Note(IncidentRecord record, string kind, string message)
        {
            lock (Notes)
            {
                Notes.Add((kind, message));
            }
        }

        public ValueTask LearnAsync(string failureType, RecoveryAttempt attempt, CancellationToken cancellationToken)
        {
            lock (Learned)
            {
                Learned.Add(attempt);
            }

            return ValueTask.CompletedTask;
        }

        public Func<CancellationToken, ValueTask<bool>>? VerificationOf(string component) => null;
    }

    private sealed class RecordingLeases(TimeProvider time) : IRecoveryLeases
    {
        public List<(bool Succeeded, string? Detail)> GivenBack { get; } = [];

        public ValueTask<RecoveryLease> AcquireAsync(string target, string component, RecoveryStrategy strategy, CancellationToken cancellationToken) =>
            ValueTask.FromResult(RecoveryLease.Granted("replica-a", time.GetUtcNow().AddSeconds(30), (succeeded, detail, _) =>
            {
                GivenBack.Add((succeeded, detail));
                return ValueTask.CompletedTask;
            }, lost: CancellationToken.None));
    }
}
