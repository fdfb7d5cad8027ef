using System.Collections.Concurrent;

namespace SelfHealing.Http;

/// <summary>The latest <c>Retry-After</c> each breaker's failed responses asked for, until the breaker next opens.</summary>
internal sealed class RetryAfterBook(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);

    public void Note(string breaker, HttpResponseMessage response)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (HttpOutcomes.RetryAfter(response, now) is { } wait && wait > TimeSpan.Zero)
        {
            DateTimeOffset until = now + wait;
            _until.AddOrUpdate(breaker, until, (_, earlier) => earlier > until ? earlier : until);
        }
    }

    /// <summary>How much longer the server asked to wait, zero when it did not; forgets it.</summary>
    public TimeSpan Take(string breaker)
    {
        if (!_until.TryRemove(breaker, out DateTimeOffset until))
        {
            return TimeSpan.Zero;
        }

        TimeSpan left = until - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
