using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.Health;

/// <summary>What one run of a registered health check gave.</summary>
/// <param name="Name">The registration's name.</param>
/// <param name="Result">The check's result; for a throw or a timeout, the registration's failure status and the reason.</param>
/// <param name="Duration">How long the run took, on the monitor's clock.</param>
/// <param name="Tags">The registration's tags.</param>
/// <param name="TimedOut">Whether the check did not answer within its registration's timeout.</param>
internal sealed record HealthCheckOutcome(string Name, HealthCheckResult Result, TimeSpan Duration, ISet<string> Tags, bool TimedOut = false);
