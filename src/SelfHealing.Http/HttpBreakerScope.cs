namespace SelfHealing.Http;

/// <summary>Which breaker a request through <c>AddSelfHealingHandler</c> goes through.</summary>
public enum HttpBreakerScope
{
    /// <summary>
    /// One breaker per client and authority (scheme, host and port), named <c>http/{client}/{host}-{port}</c>: an
    /// outage of one host does not stop calls to another.
    /// </summary>
    PerAuthority = 0,

    /// <summary>One breaker for the whole client, named <c>http/{client}</c>.</summary>
    PerClient = 1,

    /// <summary>The breaker named by <see cref="SelfHealingHttpOptions.BreakerName"/>, configured like any other named breaker.</summary>
    Named = 2,
}
