namespace SelfHealing.Supervision;

/// <summary>Sets how one supervised worker is restarted, inside <c>AddWorker(name, ..., w =&gt; ...)</c>.</summary>
public sealed class WorkerBuilder
{
    private readonly WorkerDefinition _definition;

    internal WorkerBuilder(WorkerDefinition definition) => _definition = definition;

    /// <summary>Gets the worker's name.</summary>
    public string Name => _definition.Name;

    /// <summary>Sets when the worker is started again after it ended.</summary>
    /// <param name="policy">The policy; default <see cref="RestartPolicy.Permanent"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="policy"/> is not a defined value.</exception>
    public WorkerBuilder Restart(RestartPolicy policy)
    {
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, $"Worker '{Name}': not a defined restart policy; allowed: {string.Join(", ", Enum.GetNames<RestartPolicy>())}.");
        }

        _definition.Policy = policy;
        return this;
    }

    /// <summary>
    /// Pauses the worker while one of these circuit breakers is open or isolated: it is stopped (not failed, not
    /// counted against its supervisor's restart intensity) and started again when the circuit lets calls through
    /// (half-open or closed). A failure while the circuit is open pauses it too, instead of restarting it in a loop.
    /// </summary>
    /// <param name="circuitBreakers">The breakers' names, as given to <c>AddCircuitBreaker</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A name is empty or invalid.</exception>
    public WorkerBuilder PauseWhileOpen(params string[] circuitBreakers)
    {
        ArgumentNullException.ThrowIfNull(circuitBreakers);
        foreach (string circuit in circuitBreakers)
        {
            ComponentNames.ThrowIfInvalid(circuit, nameof(circuitBreakers));
            if (!_definition.Circuits.Contains(circuit, StringComparer.Ordinal))
            {
                _definition.Circuits.Add(circuit);
            }
        }

        return this;
    }
}
