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
    private SelfHealingHttpOptions _current;
    private CircuitBreaker? _whole;

    // The inner handler's task of the call this thread just made, so a request that succeeded at once returns that same
    // task rather than a new one.
    [ThreadStatic]
    private static Task<HttpResponseMessage>? t_inner;

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
        _current = options.Get(client);
        _subscription = options.OnChange((changed, name) =>
        {
            if (name == _client)
            {
                Volatile.Write(ref _current, changed);
                _byAuthority.Clear(); // the scope or the breaker's name may have changed
                Volatile.Write(ref _whole, null);
            }
        });
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        SelfHealingHttpOptions options = Volatile.Read(ref _current);
        CircuitBreaker breaker = BreakerFor(request, options);
        ValueTask<CircuitBreakerResult<HttpResponseMessage>> pending = breaker.ExecuteAsync(
            static (state, token) =>
            {
                Task<HttpResponseMessage> inner = state.Handler.SendOnAsync(state.Request, token);
                t_inner = inner;
                return new ValueTask<HttpResponseMessage>(inner);
            },
            (Handler: this, Request: request),
            cancellationToken);
        Task<HttpResponseMessage>? sent = t_inner;
        t_inner = null;
        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitAsync(pending, request, options, cancellationToken);
        }

        CircuitBreakerResult<HttpResponseMessage> result = pending.Result;
        if (result.IsSuccess)
        {
            return sent is { IsCompletedSuccessfully: true } && ReferenceEquals(sent.Result, result.Value) ? sent : Task.FromResult(result.Value);
        }

        return AnswerAsync(result, request, options, cancellationToken);
    }

    private async Task<HttpResponseMessage> AwaitAsync(
        ValueTask<CircuitBreakerResult<HttpResponseMessage>> pending,
        HttpRequestMessage request,
        SelfHealingHttpOptions options,
        CancellationToken cancellationToken)
    {
        CircuitBreakerResult<HttpResponseMessage> result = await pending.ConfigureAwait(false);
        return result.IsSuccess ? result.Value : await AnswerAsync(result, request, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A request that did not succeed: its failed response, its exception or rejection, or the fallback's answer.</summary>
    private async Task<HttpResponseMessage> AnswerAsync(
        CircuitBreakerResult<HttpResponseMessage> result,
        HttpRequestMessage request,
        SelfHealingHttpOptions options,
        CancellationToken cancellationToken)
    {

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
            return _byAuthority.TryGetValue(key, out CircuitBreaker? known) ? known : AddAuthority(key, uri);
        }

        return Volatile.Read(ref _whole) ?? (_whole = Breaker(options.Scope == HttpBreakerScope.Named ? options.BreakerName! : HttpBreakerNames.OfClient(_client)));
    }

    // Apart from BreakerFor: a lambda capturing uri there would allocate its closure on every request.
    private CircuitBreaker AddAuthority((string, string, int) key, Uri uri) =>
        _byAuthority.GetOrAdd(key, static (_, state) => state.Handler.Breaker(HttpBreakerNames.OfAuthority(state.Handler._client, state.Uri)), (Handler: this, Uri: uri));

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
