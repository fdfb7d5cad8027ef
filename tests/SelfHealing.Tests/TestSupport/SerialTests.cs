namespace SelfHealing.Tests.TestSupport;

/// <summary>Tests that measure the whole process (such as retained memory) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTests
{
    public const string Name = "Serial";
}
