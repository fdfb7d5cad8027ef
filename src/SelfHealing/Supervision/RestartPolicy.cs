namespace SelfHealing.Supervision;

/// <summary>When a worker that ended is started again.</summary>
public enum RestartPolicy
{
    /// <summary>Always: after a failure and after it returned on its own. The default, for workers that should run as long as the app.</summary>
    Permanent = 0,

    /// <summary>Only after a failure; a worker that returns on its own has finished its job.</summary>
    Transient = 1,

    /// <summary>Never; a failure is reported (Degraded) and the worker stays stopped.</summary>
    Temporary = 2,
}
