using System.Globalization;
using SelfHealing.Health;

namespace SelfHealing.Supervision;

// The decisions: every message is handled to the end before the next, so restarts, stops and escalations never
// interleave. User code (workers, the store) runs on the thread pool, never on this loop.
public sealed partial class SupervisionTree
{
    private async Task LoopAsync()
    {
        await foreach (SupervisionMessage message in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await HandleAsync(message).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log.LoopFailed(_logger, message.GetType().Name, e);
            }
            finally
            {
                Done();
            }
        }
    }

    private async Task HandleAsync(SupervisionMessage message)
    {
        switch (message)
        {
            case RunStarted { Run: var run } when run.Node.Run == run && !_isStopping:
                Set(run.Node, WorkerState.Running, run.Restarts == 0 ? "running" : $"running (restart {run.Restarts})");
                break;
            case RunEnded { Run: var run, Error: var error } when run.Node.Run == run:
                run.Node.Run = null;
                if (_isStopping)
                {
                    Set(run.Node, WorkerState.Stopped, "the host is stopping");
                }
                else
                {
                    await OnEndedAsync(run.Node, run.Node, error, error is null ? "returned" : $"failed: {error.GetType().Name}: {error.Message}").ConfigureAwait(false);
                }

                break;
            case StartDue due when !_isStopping:
                Task? previous = null;
                foreach (Node node in due.Nodes.Where(n => n.PendingStart == due.Token && n.State == WorkerState.Restarting))
                {
                    previous = Start(node, previous, "restarted");
                }

                break;
            case CircuitMoved moved when !_isStopping:
                await OnCircuitAsync(moved.Circuit).ConfigureAwait(false);
                break;
            case RestartRequested request:
                await OnRestartRequestedAsync(request).ConfigureAwait(false);
                break;
            case TreeStart start:
                Task? last = null;
                foreach (SupervisorNode root in _roots)
                {
                    last = Start(root, last, "started with the host");
                }

                start.Done.TrySetResult();
                break;
            case TreeStop stop:
                _isStopping = true;
                await _stopping.CancelAsync().ConfigureAwait(false);
                foreach (SupervisorNode root in _roots.Reverse())
                {
                    await StopAsync(root, WorkerState.Stopped, "the host is stopping").ConfigureAwait(false);
                }

                _inbox.Writer.TryComplete();
                stop.Done.TrySetResult();
                break;
            case Barrier barrier:
                barrier.Done.TrySetResult();
                break;
        }
    }

    // A child ended on its own (a worker failed or returned) or gave up (a supervisor whose intensity ran out).
    private async Task OnEndedAsync(Node child, Node origin, Exception? error, string what)
    {
        if (error is not null)
        {
            child.LastFailure = error;
        }

        if (child is WorkerNode worker)
        {
            RestartPolicy policy = worker.Definition.Policy;
            if (policy == RestartPolicy.Temporary || (policy == RestartPolicy.Transient && error is null))
            {
                if (error is null)
                {
                    Set(worker, WorkerState.Stopped, $"finished: it {what}", HealthLevel.Healthy);
                }
                else
                {
                    Log.WorkerFailed(_logger, worker.Name, error);
                    Set(worker, WorkerState.Failed, $"{what}; a {policy.ToString().ToLowerInvariant()} worker is not restarted", HealthLevel.Degraded);
                }

                return;
            }

            if (BlockingCircuit(worker) is { } circuit)
            {
                Set(worker, WorkerState.Paused, $"{what}; paused while circuit '{circuit}' is open");
                return;
            }
        }

        SupervisorNode supervisor = child.Parent!;
        SupervisorDefinition settings = supervisor.Definition;
        long now = _time.GetTimestamp();
        while (supervisor.RestartTimes.TryPeek(out long at) && _time.GetElapsedTime(at, now) >= settings.RestartWindow)
        {
            supervisor.RestartTimes.Dequeue();
        }

        if (supervisor.RestartTimes.Count >= settings.MaxRestarts)
        {
            string reason = string.Create(CultureInfo.InvariantCulture, $"{child.Name} {what}, after {supervisor.RestartTimes.Count} restarts within {Describe(settings.RestartWindow)} (allowed: {settings.MaxRestarts})");
            await GiveUpAsync(supervisor, child, origin, error, reason).ConfigureAwait(false);
            return;
        }

        supervisor.RestartTimes.Enqueue(now);
        int attempt = supervisor.RestartTimes.Count;
        List<Node> batch = Batch(supervisor, child);
        TimeSpan delay = Backoff(supervisor, attempt);
        string restart = string.Create(CultureInfo.InvariantCulture, $"restart {attempt} of {settings.MaxRestarts} within {Describe(settings.RestartWindow)}, in {Describe(delay)}");
        if (error is not null)
        {
            Log.WorkerRestarting(_logger, child.Name, attempt, settings.MaxRestarts, delay.TotalMilliseconds, error);
        }

        foreach (Node sibling in Enumerable.Reverse(batch).Where(n => n != child))
        {
            await StopAsync(sibling, WorkerState.Restarting, $"restarted with {child.Name} ({settings.Strategy}): {restart}").ConfigureAwait(false);
        }

        // The restart is armed before its news goes out, so whoever reads "restarting" can count on the delay's timer
        // (the start itself runs on this loop, after this message).
        Schedule(batch, delay);
        Set(child, WorkerState.Restarting, $"{what}; {restart}");
    }

    // The children a strategy restarts with the one that ended: those still alive or waiting to start.
    private static List<Node> Batch(SupervisorNode supervisor, Node child)
    {
        IReadOnlyList<Node> children = supervisor.Children;
        int index = 0;
        while (children[index] != child)
        {
            index++;
        }

        IEnumerable<Node> batch = supervisor.Definition.Strategy switch
        {
            SupervisionStrategy.AllForOne => children,
            SupervisionStrategy.RestForOne => children.Skip(index),
            _ => [child],
        };
        return [.. batch.Where(n => n == child || n.IsActive)];
    }

    private static TimeSpan Backoff(SupervisorNode supervisor, int attempt)
    {
        SupervisorDefinition settings = supervisor.Definition;
        double ticks = Math.Min(settings.MaxBackoff.Ticks, settings.InitialBackoff.Ticks * Math.Pow(2, attempt - 1));
        ticks *= 1 + (settings.Jitter * ((2 * supervisor.Random.NextDouble()) - 1));
        return TimeSpan.FromTicks((long)Math.Max(0, ticks));
    }

    private void Schedule(IReadOnlyList<Node> batch, TimeSpan delay)
    {
        long token = ++_tokens;
        foreach (Node node in batch)
        {
            node.PendingStart = token;
        }

        var due = new StartDue(token, batch);
        if (delay <= TimeSpan.Zero)
        {
            Post(due);
            return;
        }

        _ = PostLaterAsync(due, delay);
    }

    private async Task PostLaterAsync(SupervisionMessage message, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Post(message);
    }

    // The supervisor's intensity ran out: every child stops; its parent restarts it, or at the root it stays down
    // and the worker that caused it is reported Failed, so the recovery manager opens an incident on it.
    private async Task GiveUpAsync(SupervisorNode supervisor, Node child, Node origin, Exception? error, string reason)
    {
        bool root = supervisor.Parent is null;
        WorkerState after = root ? WorkerState.Stopped : WorkerState.Restarting;
        foreach (Node sibling in supervisor.Children.Reverse().Where(n => n != child))
        {
            await StopAsync(sibling, after, $"stopped: supervisor '{supervisor.Name}' gave up").ConfigureAwait(false);
        }

        supervisor.RestartTimes.Clear();
        if (!root)
        {
            Log.SupervisorEscalated(_logger, supervisor.Name, supervisor.Parent!.Name, reason);
            Set(child, WorkerState.Restarting, $"{reason}; supervisor '{supervisor.Name}' escalated to '{supervisor.Parent.Name}'");
            await OnEndedAsync(supervisor, origin, null, $"gave up: {reason}").ConfigureAwait(false);
            return;
        }

        Log.SupervisorGaveUp(_logger, supervisor.Name, reason, error);
        if (child is SupervisorNode)
        {
            await StopAsync(child, WorkerState.Stopped, $"stopped: supervisor '{supervisor.Name}' gave up").ConfigureAwait(false);
        }

        // The worker that caused it first, then each supervisor up to this one: the health monitor sees the
        // worker as the root cause, and the recovery manager opens one incident, on it.
        for (Node? node = origin; node is not null && node != supervisor; node = node.Parent)
        {
            Set(node, WorkerState.Failed, reason, HealthLevel.Failed);
        }

        Set(supervisor, WorkerState.Failed, $"gave up: {reason}", HealthLevel.Failed);
    }

    private async Task OnCircuitAsync(string circuit)
    {
        foreach (WorkerNode worker in _nodes.Values.OfType<WorkerNode>().Where(w => w.Definition.Circuits.Contains(circuit, StringComparer.Ordinal)))
        {
            string? blocking = BlockingCircuit(worker);
            if (blocking is not null && worker.IsActive)
            {
                Log.WorkerPaused(_logger, worker.Name, blocking);
                await StopAsync(worker, WorkerState.Paused, $"paused while circuit '{blocking}' is open").ConfigureAwait(false);
            }
            else if (blocking is null && worker.State == WorkerState.Paused && !HasEndedAncestor(worker))
            {
                Log.WorkerResumed(_logger, worker.Name, circuit);
                _ = Start(worker, null, $"resumed: circuit '{circuit}' lets calls through");
            }
        }
    }

    private async Task OnRestartRequestedAsync(RestartRequested request)
    {
        if (_isStopping)
        {
            request.Done.TrySetException(new InvalidOperationException($"The supervision tree is stopping, so '{request.Name}' is not restarted."));
            return;
        }

        Node target = _nodes[request.Name];
        for (Node? node = target.Parent; node is not null; node = node.Parent)
        {
            if (node.State is WorkerState.Failed or WorkerState.Stopped)
            {
                target = node;
            }
        }

        await StopAsync(target, WorkerState.Restarting, "restart requested").ConfigureAwait(false);
        target.PendingStart = 0;
        Set(target, WorkerState.Restarting, "restart requested");
        if (target.Parent is { } parent)
        {
            parent.RestartTimes.Clear();
        }

        request.Done.TrySetResult(Start(target, null, "restarted on request") ?? Task.CompletedTask);
    }

    private void Set(Node node, WorkerState state, string reason, HealthLevel? level = null)
    {
        WorkerState previous = node.State;
        node.State = state;
        node.Reason = reason;
        DateTimeOffset now = _time.GetUtcNow();
        var status = new WorkerStatus(node.Name, node.Parent?.Name, node.IsSupervisor, state, node.Restarts, reason, now, node.LastFailure);
        _status[node.Name] = status;
        Changed?.Invoke(status);
        if (previous != state)
        {
            _hub?.Publish(new WorkerStateChanged(EventSource, now, node.Name, node.Parent?.Name, node.IsSupervisor, previous, state, node.Restarts, reason));
        }

        level ??= state switch
        {
            WorkerState.Running => HealthLevel.Healthy,
            WorkerState.Restarting or WorkerState.Paused or WorkerState.Stopped => HealthLevel.Degraded,
            WorkerState.Failed => HealthLevel.Failed,
            _ => null,
        };
        if (level is { } health && _monitor is not null && !_isStopping)
        {
            try
            {
                _monitor.Report(node.Name, health, reason);
            }
            catch (ArgumentException)
            {
                // The monitor knows no such component (the tree was built without AddSupervisor's declarations).
            }
        }
    }

    private static string Describe(TimeSpan span) =>
        span.TotalSeconds >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0.#} ms");
}
