using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// Options of a <see cref="CircuitBreaker"/>. Named options: the breaker called <c>payments</c> binds
/// <c>SelfHealing:CircuitBreakers:payments</c>, and a change there reaches the running breaker without
/// resetting its state or counts.
/// </summary>
public sealed class CircuitBreakerOptions
{
    private List<ResultClassifier> _resultClassifiers = [];

    /// <summary>Gets or sets the failure ratio in the window at or above which the circuit opens.</summary>
    /// <value>Default 0.5; allowed greater than 0 and at most 1.</value>
    public double FailureRatio { get; set; } = CircuitBreakerDefaults.FailureRatio;

    /// <summary>Gets or sets the fewest calls the window must hold before the circuit may open.</summary>
    /// <value>Default 10; allowed 1 to 1,000,000.</value>
    public int MinimumThroughput { get; set; } = CircuitBreakerDefaults.MinimumThroughput;

    /// <summary>
    /// Gets or sets how many calls in a row must fail (errors and timeouts; slow successes do not count) to open the
    /// circuit at once, whatever the window holds, or 0 to rely on the window alone. A total outage opens the circuit
    /// after this many calls however much healthy traffic the window holds; a steady error rate almost never produces
    /// such a run (at 10 % errors, ten in a row happen once in ten billion calls), but a burst of that many failures does.
    /// </summary>
    /// <value>Default 10; allowed 0 to 1,000,000.</value>
    public int ConsecutiveFailuresToOpen { get; set; } = 10;

    /// <summary>
    /// Gets or sets how long a call may run: past it the operation's token is cancelled, the caller gets a failure with
    /// a <see cref="CircuitTimeoutException"/> (the throwing API throws it; a fallback answers it) even if the operation
    /// ignores the token, and the call counts as a <see cref="CallOutcome.Timeout"/>. <see langword="null"/> sets no
    /// timeout (the fastest setting: no timer per call). The token the operation gets is valid for that call only: on
    /// the system clock it is reused by a later call once this one ended in time (no allocation per call), so work
    /// that outlives the call must not keep it.
    /// </summary>
    /// <value>Default <see langword="null"/>; allowed 1 ms to 1 day.</value>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets the kind of sliding window.</summary>
    /// <value>Default <see cref="SlidingWindowKind.TimeBased"/>.</value>
    public SlidingWindowKind WindowKind { get; set; } = SlidingWindowKind.TimeBased;

    /// <summary>Gets or sets the length of the time-based window.</summary>
    /// <value>Default 30 s; allowed 10 ms to 1 day, and at least 1 ms per bucket.</value>
    public TimeSpan SamplingDuration { get; set; } = CircuitBreakerDefaults.SamplingDuration;

    /// <summary>Gets or sets how many buckets the time-based window is divided into.</summary>
    /// <value>Default 10; allowed 1 to 1,000.</value>
    public int BucketCount { get; set; } = CircuitBreakerDefaults.BucketCount;

    /// <summary>Gets or sets how many recent calls the count-based window holds.</summary>
    /// <value>Default 100; allowed 1 to 1,000,000.</value>
    public int WindowSize { get; set; } = CircuitBreakerDefaults.WindowSize;

    /// <summary>
    /// Gets or sets the duration at or above which a call counts as slow, or <see langword="null"/> to not
    /// track slow calls (the fastest setting: the call's start time is then not read).
    /// </summary>
    /// <value>Default <see langword="null"/>; allowed 1 ms to 1 day.</value>
    public TimeSpan? SlowCallDurationThreshold { get; set; }

    /// <summary>Gets or sets the slow-call ratio in the window at or above which the circuit opens.</summary>
    /// <value>Default 1.0; allowed greater than 0 and at most 1. Used only with <see cref="SlowCallDurationThreshold"/>.</value>
    public double SlowCallRatio { get; set; } = CircuitBreakerDefaults.SlowCallRatio;

    /// <summary>Gets or sets how long the circuit stays open before it lets probes through.</summary>
    /// <value>Default 5 s; allowed 1 ms to 1 day.</value>
    public TimeSpan BreakDuration { get; set; } = CircuitBreakerDefaults.BreakDuration;

    /// <summary>
    /// Gets or sets a generator of the break duration for each opening (for backoff on repeated openings,
    /// see <see cref="BreakDurationBackoff"/>). When it throws or returns a value outside 1 ms to 1 day,
    /// <see cref="BreakDuration"/> is used and a warning is logged.
    /// </summary>
    /// <value>Default <see langword="null"/>: always <see cref="BreakDuration"/>.</value>
    public Func<BreakDurationArguments, TimeSpan>? BreakDurationGenerator { get; set; }

    /// <summary>Gets or sets how many probe calls the half-open circuit lets through.</summary>
    /// <value>Default 1; allowed 1 to 1,000.</value>
    public int HalfOpenProbes { get; set; } = CircuitBreakerDefaults.HalfOpenProbes;

    /// <summary>
    /// Gets or sets the share of probes that must succeed to close the circuit; it reopens as soon as that
    /// share can no longer be reached.
    /// </summary>
    /// <value>Default 1.0 (every probe must succeed); allowed greater than 0 and at most 1.</value>
    public double HalfOpenSuccessRatio { get; set; } = CircuitBreakerDefaults.HalfOpenSuccessRatio;

    /// <summary>
    /// Gets or sets what the breaker's health checks report while it is <see cref="CircuitState.Open"/> or
    /// <see cref="CircuitState.Isolated"/>. An open breaker means the app is handling a dependency's outage (calls fail
    /// fast or a fallback answers), so the default keeps the app in rotation; choose
    /// <see cref="HealthStatus.Unhealthy"/> only for a dependency without which the app is of no use.
    /// </summary>
    /// <value>Default <see cref="HealthStatus.Degraded"/>; any <see cref="HealthStatus"/>.</value>
    public HealthStatus HealthWhenOpen { get; set; } = HealthStatus.Degraded;

    /// <summary>
    /// Gets or sets how long the half-open circuit waits for an admitted probe to complete: a probe still running then
    /// counts as failed and the circuit opens again, so a hung probe cannot hold the circuit half-open. The wait
    /// restarts with each probe admitted; with no probe running the circuit waits for traffic. <see langword="null"/>
    /// waits forever.
    /// </summary>
    /// <value>Default 30 s; allowed 1 ms to 1 day, or <see langword="null"/>.</value>
    public TimeSpan? HalfOpenMaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the adaptive threshold options.</summary>
    public AdaptiveThresholdOptions AdaptiveThreshold { get; set; } = new();

    /// <summary>
    /// Gets or sets how an exception counts. The default counts <see cref="TimeoutException"/> and a
    /// <see cref="OperationCanceledException"/> not caused by the caller's token as <see cref="CallOutcome.Timeout"/>,
    /// and every other exception as <see cref="CallOutcome.Failure"/>. Cancellation by the caller's own token is
    /// always <see cref="CallOutcome.Ignored"/>, whatever this returns.
    /// </summary>
    public Func<Exception, CallOutcome>? ClassifyException { get; set; }

    /// <summary>
    /// Gets or sets a callback invoked on every state change, in the order of the changes, on the thread that caused it,
    /// after the breaker's lock is released: it may use this breaker or take other locks. An exception it throws is
    /// logged and swallowed.
    /// </summary>
    public Action<CircuitStateChanged>? OnStateChanged { get; set; }

    /// <summary>
    /// Counts results of type <typeparamref name="TResult"/> with <paramref name="classifier"/>; for example
    /// <c>ClassifyResult&lt;HttpResponseMessage&gt;(r =&gt; (int)r.StatusCode &gt;= 500 ? CallOutcome.Failure : CallOutcome.Success)</c>.
    /// Results of other types count as successes. A later call for the same type replaces the earlier one.
    /// </summary>
    /// <typeparam name="TResult">The result type the classifier applies to (exactly; not derived types).</typeparam>
    /// <param name="classifier">The classifier.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="classifier"/> is <see langword="null"/>.</exception>
    public CircuitBreakerOptions ClassifyResult<TResult>(Func<TResult, CallOutcome> classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var list = new List<ResultClassifier>(_resultClassifiers.Count + 1);
        list.AddRange(_resultClassifiers.Where(c => c.ResultType != typeof(TResult)));
        list.Add(new ResultClassifier(typeof(TResult), classifier));
        _resultClassifiers = list;
        return this;
    }

    internal IReadOnlyList<ResultClassifier> ResultClassifiers => _resultClassifiers;

    internal readonly record struct ResultClassifier(Type ResultType, Delegate Classifier);
}
