using SelfHealing.CircuitBreakers;

namespace SelfHealing.Http;

/// <summary>
/// Options of <c>AddSelfHealingHandler</c> for one named <see cref="HttpClient"/>, bound from
/// <c>SelfHealing:Http:{client}</c> (configuration wins over code, and a reload reaches running handlers). The breakers'
/// own options (<see cref="CircuitBreakerOptions"/>) come from <see cref="ConfigureBreaker"/> and then
/// <c>SelfHealing:Http:{client}:Breaker</c>; a <see cref="HttpBreakerScope.Named"/> breaker keeps its own configuration.
/// </summary>
public sealed class SelfHealingHttpOptions
{
    /// <summary>The configuration section of a client's options: <c>SelfHealing:Http:{client}</c>.</summary>
    public const string ConfigurationSection = "SelfHealing:Http";

    /// <summary>Gets or sets which breaker a request goes through.</summary>
    /// <value>Default <see cref="HttpBreakerScope.PerAuthority"/>.</value>
    public HttpBreakerScope Scope { get; set; } = HttpBreakerScope.PerAuthority;

    /// <summary>Gets or sets the breaker's name when <see cref="Scope"/> is <see cref="HttpBreakerScope.Named"/>.</summary>
    /// <value>Default <see langword="null"/>; required for <see cref="HttpBreakerScope.Named"/>: letters, digits, '-', '_', '.' and '/', at most 128.</value>
    public string? BreakerName { get; set; }

    /// <summary>
    /// Gets or sets how long one attempt may take: past it the request is cancelled, counts as a
    /// <see cref="CallOutcome.Timeout"/>, and the caller gets a <see cref="CircuitTimeoutException"/> (or the fallback's
    /// answer). It sets the breakers' <see cref="CircuitBreakerOptions.Timeout"/> for <see cref="HttpBreakerScope.PerAuthority"/>
    /// and <see cref="HttpBreakerScope.PerClient"/>; <see langword="null"/> leaves it to the breaker's options.
    /// </summary>
    /// <value>Default 10 s; allowed 1 ms to 1 day, or <see langword="null"/>.</value>
    public TimeSpan? AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets whether a failed response's <c>Retry-After</c> (on 429 and 503) keeps the circuit open at least that
    /// long when it opens, so the server is not called before it asked to be.
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool HonorRetryAfter { get; set; } = true;

    /// <summary>Gets or sets the longest <c>Retry-After</c> honoured: a server cannot hold the circuit open longer than this.</summary>
    /// <value>Default 5 min; allowed 1 s to 1 day.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the answer to a failed or rejected request, or <see langword="null"/> to return the failed response
    /// and throw the call's exception or <see cref="BrokenCircuitException"/> as they are.
    /// </summary>
    public Func<HttpFallbackArguments, CancellationToken, ValueTask<HttpResponseMessage>>? Fallback { get; set; }

    /// <summary>Gets or sets code-level settings of the client's breakers, applied before <c>SelfHealing:Http:{client}:Breaker</c>.</summary>
    public Action<CircuitBreakerOptions>? ConfigureBreaker { get; set; }
}
