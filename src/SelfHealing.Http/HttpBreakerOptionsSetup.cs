using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Http;

/// <summary>
/// Gives the breakers of <c>AddSelfHealingHandler</c> their options: the attempt timeout, the client's code settings and
/// <c>SelfHealing:Http:{client}:Breaker</c> (not for a <see cref="HttpBreakerScope.Named"/> breaker, which keeps its own),
/// then HTTP classification and <c>Retry-After</c>. Runs on every (re)build of those breakers' options.
/// </summary>
internal sealed class HttpBreakerOptionsSetup(
    HttpBreakerNames names,
    IOptionsMonitor<SelfHealingHttpOptions> clients,
    RetryAfterBook retryAfter,
    IServiceProvider services) : IPostConfigureOptions<CircuitBreakerOptions>
{
    public void PostConfigure(string? name, CircuitBreakerOptions options)
    {
        if (name is null || !names.TryGetClient(name, out string? client))
        {
            return;
        }

        SelfHealingHttpOptions http = clients.Get(client);
        if (http.Scope != HttpBreakerScope.Named)
        {
            if (http.AttemptTimeout is { } timeout)
            {
                options.Timeout = timeout;
            }

            http.ConfigureBreaker?.Invoke(options);
            if (services.GetService(typeof(IConfiguration)) is IConfiguration configuration)
            {
                IConfigurationSection section = configuration.GetSection($"{SelfHealingHttpOptions.ConfigurationSection}:{HttpBreakerNames.ClientName(client)}:Breaker");
                if (section.Exists())
                {
                    section.Bind(options);
                }
            }
        }

        options.ClassifyException ??= HttpOutcomes.ClassifyException;
        if (!http.HonorRetryAfter)
        {
            options.ClassifyResult<HttpResponseMessage>(HttpOutcomes.Classify);
            return;
        }

        options.ClassifyResult<HttpResponseMessage>(response =>
        {
            CallOutcome outcome = HttpOutcomes.Classify(response);
            if (outcome != CallOutcome.Success)
            {
                retryAfter.Note(name, response);
            }

            return outcome;
        });
        Func<BreakDurationArguments, TimeSpan>? generator = options.BreakDurationGenerator;
        TimeSpan longest = http.MaxRetryAfter;
        options.BreakDurationGenerator = arguments =>
        {
            TimeSpan duration = generator?.Invoke(arguments) ?? arguments.BaseDuration;
            TimeSpan asked = retryAfter.Take(name);
            return asked > duration ? (asked < longest ? asked : longest) : duration;
        };
    }
}
