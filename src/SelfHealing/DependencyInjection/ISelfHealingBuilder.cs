using Microsoft.Extensions.DependencyInjection;

namespace SelfHealing.DependencyInjection;

/// <summary>
/// Configures SelfHealing inside <c>services.AddSelfHealing(b =&gt; ...)</c>. Components add themselves through
/// extension methods on this interface (<c>AddCircuitBreaker</c>, and in other packages <c>UseCoordination</c>...).
/// </summary>
public interface ISelfHealingBuilder
{
    /// <summary>Gets the service collection being configured.</summary>
    IServiceCollection Services { get; }
}
