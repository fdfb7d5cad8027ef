namespace SelfHealing.Configuration;

/// <summary>The type of a tunable parameter's value.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The value types of the specification: boolean, integer, float, string, duration.")]
public enum ParameterType
{
    /// <summary>A <see cref="bool"/>.</summary>
    Boolean,

    /// <summary>A <see cref="long"/>.</summary>
    Integer,

    /// <summary>A <see cref="double"/>.</summary>
    Float,

    /// <summary>A <see cref="string"/>.</summary>
    String,

    /// <summary>A <see cref="TimeSpan"/>.</summary>
    Duration,
}
