using System.Net;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Http;

/// <summary>
/// How an HTTP call counts, as Microsoft.Extensions.Http.Resilience counts transient failures: a 5xx, 408 or 429
/// response, an <see cref="HttpRequestException"/> (refused, reset, DNS), and a timeout. Other exceptions are the
/// caller's own errors, not the dependency's health, and are not counted.
/// </summary>
public static class HttpOutcomes
{
    /// <summary>Counts a response: 5xx, 408 Request Timeout and 429 Too Many Requests are failures; anything else a success.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The outcome.</returns>
    public static CallOutcome Classify(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        int status = (int)response.StatusCode;
        return status >= 500 || status == (int)HttpStatusCode.RequestTimeout || status == (int)HttpStatusCode.TooManyRequests
            ? CallOutcome.Failure
            : CallOutcome.Success;
    }

    /// <summary>
    /// Counts an exception: <see cref="HttpRequestException"/> is a failure; <see cref="TimeoutException"/> and a
    /// cancellation not asked for by the caller are timeouts; anything else is not counted.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The outcome.</returns>
    public static CallOutcome ClassifyException(Exception exception) => exception switch
    {
        HttpRequestException => CallOutcome.Failure,
        TimeoutException or OperationCanceledException => CallOutcome.Timeout,
        _ => CallOutcome.Ignored,
    };

    /// <summary>Gets how long a 429 or 503 response asks not to be called again (<c>Retry-After</c>), or <see langword="null"/>.</summary>
    /// <param name="response">The response.</param>
    /// <param name="now">The current time, for a <c>Retry-After</c> given as a date.</param>
    /// <returns>The wait, at least zero; <see langword="null"/> when the response gives none.</returns>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        TimeSpan? wait = header.Delta ?? (header.Date is { } date ? date - now : null);
        return wait is { } w && w < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }
}
