using Microsoft.Extensions.DependencyInjection;

namespace SelfHealing.DependencyInjection;

internal sealed class SelfHealingBuilder(IServiceCollection services) : ISelfHealingBuilder
{
    public IServiceCollection Services { get; } = services;
}
