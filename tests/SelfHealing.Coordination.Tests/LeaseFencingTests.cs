using Microsoft.Extensions.Time.Testing;
using SelfHealing.Coordination.Replication;

namespace SelfHealing.Coordination.Tests;

/// <summary>
/// Fenced leases: grants carry a growing fencing token that renewals keep; the holder judges its lease on its own clock
/// and loses it when that time runs out or a renewal is denied; a lapsed lease can wait before it goes to another.
/// </summary>
public sealed class LeaseFencingTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("selfhealing-lease-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static AcquireLeaseCommand Ask(string node, double atSeconds, double forSeconds = 10, double regrantDelaySeconds = 0) =>
        new("orders-db", "db", "Restart", TimeSpan.FromSeconds(forSeconds))
        {
            Node = node,
            Timestamp = T0.AddSeconds(atSeconds),
            RegrantDelay = TimeSpan.FromSeconds(regrantDelaySeconds),
        };

    private static LeaseDecision Decide(ClusterStateMachine machine, long index, AcquireLeaseCommand command) =>
        (LeaseDecision)machine.Apply(index, command).Outcome!;

    [Fact]
    public async Task A_grant_takes_its_log_index_as_fencing_token_renewals_keep_it_and_a_later_grant_is_larger()
    {
        await using var machine = new ClusterStateMachine(_directory, _ => { });
        LeaseDecision first = Decide(machine, 7, Ask("node-a", 0));
        LeaseDecision renewed = Decide(machine, 9, Ask("node-a", 3));
        LeaseDecision refused = Decide(machine, 11, Ask("node-b", 5));
        LeaseDecision regranted = Decide(machine, 15, Ask("node-b", 14)); // node-a's lease lapsed at 13 s

        (first.Granted, first.Lease.FencingToken).Should().Be((true, 7L));
        (renewed.Granted, renewed.Lease.FencingToken, renewed.Lease.LeaseId).Should().Be((true, 7L, first.Lease.LeaseId));
        (refused.Granted, refused.Lease.Holder).Should().Be((false, "node-a"));
        (regranted.Granted, regranted.Lease.Holder, regranted.Lease.FencingToken).Should().Be((true, "node-b", 15L));
    }

    [Fact]
    public async Task A_lapsed_lease_goes_to_another_node_only_after_the_regrant_delay()
    {
        await using var machine = new ClusterStateMachine(_directory, _ => { });
        Decide(machine, 1, Ask("node-a", 0, forSeconds: 10)).Granted.Should().BeTrue();

        Decide(machine, 2, Ask("node-b", 12, regrantDelaySeconds: 5)).Granted.Should().BeFalse("node-a's lease lapsed 2 s ago, under the 5 s delay");
        LeaseDecision later = Decide(machine, 3, Ask("node-b", 15, regrantDelaySeconds: 5));
        (later.Granted, later.Lease.Holder, later.Lease.FencingToken).Should().Be((true, "node-b", 3L));
    }

    [Fact]
    public async Task The_holder_counts_its_lease_on_its_own_clock_and_loses_it_when_that_runs_out()
    {
        var time = new FakeTimeProvider(T0);
        var lease = new ClusterLease("orders-db", "db", "Restart", "node-a", Guid.NewGuid(), T0.AddSeconds(5), T0.AddSeconds(15)) { FencingToken = 7 };
        long sent = time.GetTimestamp();
        time.Advance(TimeSpan.FromSeconds(2)); // the answer took 2 s; the holder counts from the request
        await using var held = new HealingLease(true, lease, sent, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), time, null, (_, _, _, _) => Task.CompletedTask);

        (held.IsValid, held.RemainingTime, held.FencingToken).Should().Be((true, TimeSpan.FromSeconds(7), 7L));
        time.Advance(TimeSpan.FromSeconds(6.9));
        held.IsValid.Should().BeTrue();
        time.Advance(TimeSpan.FromSeconds(0.1));
        (held.IsValid, held.Lost.IsCancellationRequested, held.RemainingTime).Should().Be((false, true, TimeSpan.Zero), "9 s after the request, with a 1 s margin");
    }

    [Fact]
    public async Task A_short_lease_keeps_three_quarters_of_its_length_however_large_the_margin()
    {
        var time = new FakeTimeProvider(T0);
        var lease = new ClusterLease("orders-db", "db", "Restart", "node-a", Guid.NewGuid(), T0, T0.AddSeconds(1)) { FencingToken = 3 };
        await using var held = new HealingLease(true, lease, time.GetTimestamp(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), time, null, (_, _, _, _) => Task.CompletedTask);

        held.RemainingTime.Should().Be(TimeSpan.FromMilliseconds(750), "a 1 s margin on a 1 s lease is capped at a quarter of it");
        time.Advance(TimeSpan.FromMilliseconds(750));
        held.IsValid.Should().BeFalse();
    }

    [Fact]
    public async Task A_renewal_extends_the_lease_from_its_own_request_and_a_denied_one_loses_it()
    {
        var time = new FakeTimeProvider(T0);
        var lease = new ClusterLease("orders-db", "db", "Restart", "node-a", Guid.NewGuid(), T0, T0.AddSeconds(10)) { FencingToken = 7 };
        var answers = new Queue<LeaseDecision>([
            new(true, lease with { ExpiresAt = T0.AddSeconds(14) }),
            new(false, lease with { Holder = "node-b", LeaseId = Guid.NewGuid(), FencingToken = 12 }),
        ]);
        await using var held = new HealingLease(true, lease, time.GetTimestamp(), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), time,
            (_, _) => Task.FromResult(answers.Dequeue()), (_, _, _, _) => Task.CompletedTask);

        time.Advance(TimeSpan.FromSeconds(4));
        (await held.RenewAsync()).Should().BeTrue();
        held.RemainingTime.Should().Be(TimeSpan.FromSeconds(9), "counted from the renewal's request: 10 s less the margin");
        time.Advance(TimeSpan.FromSeconds(8));
        held.IsValid.Should().BeTrue("the first deadline (9 s) has passed, the renewed one (13 s) has not");

        (await held.RenewAsync()).Should().BeFalse();
        (held.IsValid, held.Lost.IsCancellationRequested).Should().Be((false, true), "a denied renewal loses the lease at once");
    }

    [Fact]
    public async Task A_renewal_granted_as_a_new_grant_is_not_the_same_lease()
    {
        var time = new FakeTimeProvider(T0);
        var lease = new ClusterLease("orders-db", "db", "Restart", "node-a", Guid.NewGuid(), T0, T0.AddSeconds(10)) { FencingToken = 7 };
        await using var held = new HealingLease(true, lease, time.GetTimestamp(), TimeSpan.FromSeconds(10), TimeSpan.Zero, time,
            (_, _) => Task.FromResult(new LeaseDecision(true, lease with { LeaseId = Guid.NewGuid(), FencingToken = 20 })), (_, _, _, _) => Task.CompletedTask);

        (await held.RenewAsync()).Should().BeFalse("the old grant lapsed in between: an action under token 7 is stale");
        held.Lost.IsCancellationRequested.Should().BeTrue();
    }
}
