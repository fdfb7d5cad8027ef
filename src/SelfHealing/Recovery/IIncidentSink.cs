namespace SelfHealing.Recovery;

/// <summary>
/// Receives incidents when they open, are escalated and are resolved (added with <c>AddIncidentSink</c>; the log is
/// the default). Each sink has its own queue: a slow or failing one delays or loses only its own notifications.
/// </summary>
public interface IIncidentSink
{
    /// <summary>Delivers one incident notification.</summary>
    /// <param name="incident">The incident as it stands; its last timeline entry says what changed.</param>
    /// <param name="cancellationToken">Cancelled when the manager stops and its stop deadline passes.</param>
    /// <returns>A task that ends when it is delivered.</returns>
    ValueTask NotifyAsync(Incident incident, CancellationToken cancellationToken);
}
