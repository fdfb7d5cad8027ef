namespace SelfHealing.CircuitBreakers;

/// <summary>Ready-made generators for <see cref="CircuitBreakerOptions.BreakDurationGenerator"/>.</summary>
public static class BreakDurationBackoff
{
    /// <summary>
    /// Doubles (or multiplies by <paramref name="factor"/>) the break duration on each consecutive opening,
    /// up to <paramref name="maxDuration"/>, with optional random jitter.
    /// </summary>
    /// <param name="maxDuration">The cap on the break duration. Must be positive.</param>
    /// <param name="factor">The growth factor per consecutive opening. Must be at least 1.</param>
    /// <param name="jitter">A fraction from 0 to 1: the duration is spread uniformly by plus or minus this fraction.</param>
    /// <param name="random">The random source for jitter; pass a seeded <see cref="Random"/> for reproducible runs. Defaults to <see cref="Random.Shared"/>.</param>
    /// <returns>A generator: <c>min(max, base * factor^(openings - 1))</c>, then jittered, never below 1 ms.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
    public static Func<BreakDurationArguments, TimeSpan> Exponential(TimeSpan maxDuration, double factor = 2.0, double jitter = 0.0, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxDuration, TimeSpan.Zero);
        if (!(factor >= 1.0) || double.IsInfinity(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be a finite number of at least 1.");
        }

        if (!(jitter >= 0.0 && jitter <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "The jitter must be from 0 to 1.");
        }

        Random source = random ?? Random.Shared;
        return args =>
        {
            double exponent = Math.Max(0, args.ConsecutiveOpenings - 1);
            double ticks = Math.Min(maxDuration.Ticks, args.BaseDuration.Ticks * Math.Pow(factor, exponent));
            if (jitter > 0)
            {
                double sample;
                lock (source)
                {
                    sample = source.NextDouble();
                }

                ticks *= 1.0 + (jitter * ((2.0 * sample) - 1.0));
            }

            return TimeSpan.FromTicks((long)Math.Max(TimeSpan.TicksPerMillisecond, ticks));
        };
    }
}
