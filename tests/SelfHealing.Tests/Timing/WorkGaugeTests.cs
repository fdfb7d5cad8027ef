using SelfHealing.Timing;

namespace SelfHealing.Tests.Timing;

public sealed class WorkGaugeTests
{
    [Fact]
    public async Task It_is_idle_only_when_the_last_piece_of_work_exits()
    {
        var gauge = new WorkGauge();
        gauge.Enter();
        gauge.Enter();
        Task idle = gauge.NextIdle;

        gauge.Exit();
        (gauge.IsBusy, idle.IsCompleted).Should().Be((true, false));

        gauge.Exit();
        gauge.IsBusy.Should().BeFalse();
        await idle.WaitAsync(TimeSpan.FromSeconds(10)); // the count fell to zero
        gauge.NextIdle.IsCompleted.Should().BeFalse("each fall to zero completes the task handed out before it, and a new one waits for the next");
    }

    [Fact]
    public async Task Work_parked_on_a_wait_is_not_counted_and_counts_again_the_moment_the_wait_completes()
    {
        var gauge = new WorkGauge();
        var wait = new TaskCompletionSource<int>();
        gauge.Enter();

        Task<int> parked = gauge.WhileParkedAsync(wait.Task);
        gauge.IsBusy.Should().BeFalse("a wait on the clock or on other work is not work");

        wait.SetResult(7); // on this thread, as a fake clock's Advance completes a delay
        gauge.IsBusy.Should().BeTrue("the work counts again before anything else can look");
        (await parked.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(7);
        gauge.Exit();
        gauge.IsBusy.Should().BeFalse();
    }

    [Fact]
    public async Task A_wait_that_fails_is_rethrown_and_leaves_the_work_counted_for_its_owner_to_exit()
    {
        var gauge = new WorkGauge();
        gauge.Enter();

        Func<Task> parked = () => gauge.WhileParkedAsync(Task.FromException(new TimeoutException("approval")));

        await parked.Should().ThrowAsync<TimeoutException>().WithMessage("approval");
        gauge.IsBusy.Should().BeTrue();
        gauge.Exit();
        gauge.IsBusy.Should().BeFalse();
    }
}
