namespace SelfHealing.Samples.Optimizer;

/// <summary>The checkout service's settings, bound from the "Checkout" section as any app would.</summary>
public sealed class CheckoutOptions
{
    public int Workers { get; set; }

    public int BatchSize { get; set; }

    public bool Compression { get; set; }
}
