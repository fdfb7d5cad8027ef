namespace SelfHealing.Chaos;

/// <summary>The exception an injected fault throws in place of the call it hit.</summary>
public sealed class ChaosException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChaosException()
        : this("A fault was injected.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ChaosException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ChaosException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ChaosException(string faultId, ChaosFault fault)
        : base($"Injected fault {faultId}: {fault}.")
    {
        FaultId = faultId;
        Kind = fault.Kind;
        Target = fault.Target;
        StatusCode = fault.Kind == ChaosFaultKind.ErrorResult ? fault.StatusCode : null;
    }

    /// <summary>Gets the id of the fault that threw, as in <see cref="ChaosFaultStarted.FaultId"/>.</summary>
    public string? FaultId { get; }

    /// <summary>Gets the fault's kind.</summary>
    public ChaosFaultKind? Kind { get; }

    /// <summary>Gets the fault's target.</summary>
    public string? Target { get; }

    /// <summary>Gets the status code of an injected error result the call could not return as a value.</summary>
    public int? StatusCode { get; }
}
