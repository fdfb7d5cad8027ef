namespace SelfHealing.Recovery;

/// <summary>
/// What a healable component's action runs under, read through <see cref="Current"/> inside the action (it flows with
/// the async call, like <c>Activity.Current</c>): the incident, the strategy and, for a shared target, the lease's
/// fencing token. Pass the token to the shared target so it can refuse a replica whose lease went to another
/// (see docs/coordination.md).
/// </summary>
public sealed class RecoveryContext
{
    private static readonly AsyncLocal<RecoveryContext?> Ambient = new();

    internal RecoveryContext(string incidentId, string component, RecoveryStrategy strategy, int attempt, RecoveryLease? lease)
    {
        IncidentId = incidentId;
        Component = component;
        Strategy = strategy;
        Attempt = attempt;
        FencingToken = lease?.FencingToken;
        LeaseLost = lease?.Lost ?? CancellationToken.None;
    }

    /// <summary>Gets the context of the action running on this async flow, or <see langword="null"/> outside one.</summary>
    public static RecoveryContext? Current => Ambient.Value;

    /// <summary>Gets the incident the action belongs to.</summary>
    public string IncidentId { get; }

    /// <summary>Gets the component acted on.</summary>
    public string Component { get; }

    /// <summary>Gets the strategy being applied.</summary>
    public RecoveryStrategy Strategy { get; }

    /// <summary>Gets the attempt's number, from 1.</summary>
    public int Attempt { get; }

    /// <summary>Gets the fencing token of the lease on the shared target, or <see langword="null"/> without one.</summary>
    public long? FencingToken { get; }

    /// <summary>Gets a token cancelled when the replica loses its lease on the shared target (never, without one).</summary>
    public CancellationToken LeaseLost { get; }

    /// <summary>Makes this the current context until the returned scope is disposed.</summary>
    internal Scope Enter()
    {
        RecoveryContext? previous = Ambient.Value;
        Ambient.Value = this;
        return new Scope(previous);
    }

    internal readonly struct Scope(RecoveryContext? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
