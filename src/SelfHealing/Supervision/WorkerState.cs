namespace SelfHealing.Supervision;

/// <summary>Where a supervised worker (or a supervisor) is in its lifecycle.</summary>
public enum WorkerState
{
    /// <summary>Declared, not started yet.</summary>
    Created = 0,

    /// <summary>Its last state is being read and it is being started.</summary>
    Starting = 1,

    /// <summary>Started: its run method returned its task (for a supervisor: its children were started).</summary>
    Running = 2,

    /// <summary>Asked to stop (its token is cancelled); waiting for it to end.</summary>
    Stopping = 3,

    /// <summary>It failed and will not be restarted: a temporary worker, or its supervisor's restart intensity is exhausted.</summary>
    Failed = 4,

    /// <summary>It ended (failed, returned, or was stopped with a sibling) and waits out its backoff before starting again.</summary>
    Restarting = 5,

    /// <summary>A circuit it depends on is open: it is stopped, and starts again when the circuit lets calls through.</summary>
    Paused = 6,

    /// <summary>It ended and will not be restarted: the host is stopping, or it finished its job.</summary>
    Stopped = 7,
}
