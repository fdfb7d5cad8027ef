using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Http;

/// <summary>
/// The handler <c>AddSelfHealingHandler</c> puts into a client's pipeline: each request goes through the breaker of its
/// scope. A request counted as success returns its response; a failed status returns its response (or the fallback's);
/// an exception is rethrown (or answered by the fallback); a rejection throws <see cref="BrokenCircuitException"/> or
/// <see cref="IsolatedCircuitException"/> (or the fallback answers). A cancellation by the caller is never counted.
/// </summary>
internal sealed class SelfHealingHttpHandler : DelegatingHandler
{
    private readonly string _client;
    private readonly CircuitBreakerRegistry _registry;
    private readonly HttpBreakerNames _names;
    private readonly IOptionsMonitor<SelfHealingHttpOptions> _options;
    private readonly IOptionsFactory<CircuitBreakerOptions> _breakerOptions;
    private readonly ConcurrentDictionary<(string Scheme, string Host, int Port), CircuitBreaker> _byAuthority = new();
    private readonly IDisposable? _subscription;
    private CircuitBreaker? _whole;

    public SelfHealingHttpHandler(
        string client,
        CircuitBreakerRegistry registry,
        HttpBreakerNames names,
        IOptionsMonitor<SelfHealingHttpOptions> options,
        IOptionsFactory<CircuitBreakerOptions> breakerOptions)
    {
        _client = client;
        _registry = registry;
        _names = names;
        _options = options;
        _breakerOptions = breakerOptions;
        _subscription = options.OnChange((_, changed) =>
        {
            if (changed == _client)
            {
                _byAuthority.Clear(); // the scope or the breaker's name may have changed
                Volatile.Write(ref _whole, null);
            }
        });
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        SelfHealingHttpOptions options = _options.Get(_client);
        CircuitBreaker breaker = BreakerFor(request, options);
        CircuitBreakerResult<HttpResponseMessage> result = await breaker.ExecuteAsync(
            static (state, token) => new ValueTask<HttpResponseMessage>(state.Handler.SendOnAsync(state.Request, token)),
            (Handler: this, Request: request),
            cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            return result.Value;
        }

        if (options.Fallback is not { } fallback || (result.IsFailure && result.Outcome == CallOutcome.Ignored))
        {
            return result.HasValue ? result.Value : result.GetValueOrThrow();
        }

        HttpResponseMessage? failed = result.HasValue ? result.Value : null;
        Exception? exception = result.Exception;
        if (result.IsRejected)
        {
            try
            {
                result.GetValueOrThrow();
            }
            catch (BrokenCircuitException rejection)
            {
                exception = rejection;
            }
        }

        HttpResponseMessage answer;
        try
        {
            answer = await fallback(new HttpFallbackArguments(request, result.IsRejected, result.IsRejected ? CallOutcome.Success : result.Outcome, exception, failed), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The fallback of the HttpClient '{HttpBreakerNames.ClientName(_client)}' returned no response.");
        }
        catch
        {
            failed?.Dispose();
            throw;
        }

        if (!ReferenceEquals(answer, failed))
        {
            failed?.Dispose();
        }

        answer.RequestMessage ??= request;
        return answer;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _subscription?.Dispose();
        }

        base.Dispose(disposing);
    }

    private Task<HttpResponseMessage> SendOnAsync(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);

    private CircuitBreaker BreakerFor(HttpRequestMessage request, SelfHealingHttpOptions options)
    {
        if (options.Scope == HttpBreakerScope.PerAuthority && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            (string, string, int) key = (uri.Scheme, uri.IdnHost, uri.Port);
            return _byAuthority.TryGetValue(key, out CircuitBreaker? known)
                ? known
                : _byAuthority.GetOrAdd(key, _ => Breaker(HttpBreakerNames.OfAuthority(_client, uri)));
        }

        return Volatile.Read(ref _whole) ?? (_whole = Breaker(options.Scope == HttpBreakerScope.Named ? options.BreakerName! : HttpBreakerNames.OfClient(_client)));
    }

    private CircuitBreaker Breaker(string name)
    {
        bool first = _names.Register(name, _client);
        if (first && _registry.TryGet(name, out CircuitBreaker? existing))
        {
            existing.UpdateOptions(_breakerOptions.Create(name)); // created before it served this client: add HTTP classification
            return existing;
        }

        return _registry.GetOrCreate(name);
    }
}
