namespace SelfHealing.Optimization;

/// <summary>Measures how well the service did over an evaluation window (higher is better).</summary>
public interface IFitnessSource
{
    /// <summary>Measures the window.</summary>
    /// <param name="since">The window's start (when the candidate was applied).</param>
    /// <param name="until">The window's end.</param>
    /// <param name="cancellationToken">Cancels the measurement.</param>
    /// <returns>The fitness, or NaN when the window holds no data.</returns>
    ValueTask<double> MeasureAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);
}
