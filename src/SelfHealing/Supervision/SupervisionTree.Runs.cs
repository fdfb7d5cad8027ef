using SelfHealing.CircuitBreakers;

namespace SelfHealing.Supervision;

// Starting and stopping nodes: launching a worker's run on the thread pool (after the previous start of its batch),
// stopping what runs under a node in reverse start order, and reading which circuit holds a worker paused.
public sealed partial class SupervisionTree
{
    // Starts a node: a worker is launched (after the previous one in its batch has started), a supervisor starts
    // its children in order with a fresh intensity. Returns the signal of the last launch, to chain the next.
    private Task? Start(Node node, Task? previous, string reason)
    {
        node.PendingStart = 0;
        if (node is SupervisorNode supervisor)
        {
            supervisor.RestartTimes.Clear();
            supervisor.Starts++;
            Set(supervisor, WorkerState.Running, reason);
            foreach (Node child in supervisor.Children)
            {
                previous = Start(child, previous, $"started with {supervisor.Name}") ?? previous;
            }

            return previous;
        }

        var worker = (WorkerNode)node;
        if (BlockingCircuit(worker) is { } circuit)
        {
            Set(worker, WorkerState.Paused, $"paused while circuit '{circuit}' is open");
            return previous;
        }

        var run = new WorkerRun(worker, previous, worker.Starts, worker.LastFailure);
        worker.Starts++;
        worker.Run = run;
        Set(worker, WorkerState.Starting, reason);
        Interlocked.Increment(ref _busy);
        run.Completion = Task.Run(() => ExecuteAsync(run), CancellationToken.None);
        return run.Started.Task;
    }

    // A launch counts as busy until the loop is told the worker started (or ended before it did): a running worker
    // is not the tree's work in flight.
    private async Task ExecuteAsync(WorkerRun run)
    {
        bool launched = false;
        try
        {
            WorkerNode worker = run.Node;
            CancellationToken token = run.Stop.Token;
            Exception? error = null;
            try
            {
                if (run.After is { } after)
                {
                    await after.WaitAsync(token).ConfigureAwait(false);
                }

                string? state = await _store.GetAsync(WorkerContext.StateCollection, worker.Name, token).ConfigureAwait(false);
                var context = new WorkerContext(worker.Name, worker.Parent!.Name, run.Restarts, run.LastFailure, state, _store, _services);
                Log.WorkerStarting(_logger, worker.Name, run.Restarts);
                Task execution = worker.Definition.Run(_services, context, token);
                Post(new RunStarted(run));
                run.Started.TrySetResult();
                launched = true;
                Done();
                await execution.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopped: not a failure.
            }
            catch (Exception e)
            {
                error = e;
            }

            run.Started.TrySetResult();
            Post(new RunEnded(run, error));
        }
        finally
        {
            if (!launched)
            {
                Done();
            }
        }
    }

    // Stops a node and what runs under it (children in reverse start order); what is already over stays as it is.
    private async Task StopAsync(Node node, WorkerState after, string reason)
    {
        node.PendingStart = 0;
        if (node is SupervisorNode supervisor)
        {
            foreach (Node child in supervisor.Children.Reverse())
            {
                await StopAsync(child, after, reason).ConfigureAwait(false);
            }
        }
        else if (node is WorkerNode { Run: { } run } worker)
        {
            worker.Run = null;
            Set(worker, WorkerState.Stopping, reason);
            await run.Stop.CancelAsync().ConfigureAwait(false);
            TimeSpan timeout = worker.Parent!.Definition.StopTimeout;
            try
            {
                await run.Completion.WaitAsync(timeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Log.WorkerLeftBehind(_logger, worker.Name, timeout.TotalMilliseconds);
            }
        }

        if (node.State is not (WorkerState.Failed or WorkerState.Stopped) || after == WorkerState.Restarting)
        {
            Set(node, after, reason);
        }
    }

    private string? BlockingCircuit(WorkerNode worker)
    {
        if (_breakers is null)
        {
            return null;
        }

        foreach (string circuit in worker.Definition.Circuits)
        {
            if (_breakers.TryGet(circuit, out CircuitBreaker? breaker) && breaker.State is CircuitState.Open or CircuitState.Isolated)
            {
                return circuit;
            }
        }

        return null;
    }

    private static bool HasEndedAncestor(Node node)
    {
        for (Node? parent = node.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.State is WorkerState.Failed or WorkerState.Stopped or WorkerState.Restarting)
            {
                return true;
            }
        }

        return false;
    }
}
