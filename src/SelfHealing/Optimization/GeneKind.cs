namespace SelfHealing.Optimization;

/// <summary>What values a gene takes.</summary>
public enum GeneKind
{
    /// <summary>False (0) or true (1).</summary>
    Boolean,

    /// <summary>Whole numbers between a minimum and a maximum.</summary>
    Whole,

    /// <summary>Real numbers between a minimum and a maximum.</summary>
    Real,

    /// <summary>One of a list of options (held as its index).</summary>
    Categorical,
}
