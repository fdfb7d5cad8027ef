using System.Runtime.CompilerServices;

namespace SelfHealing.CircuitBreakers;

// How an admitted call's value or exception becomes an outcome: the user's classifiers, run so that one that throws
// makes the call a failure rather than the result API a throwing one.
public sealed partial class CircuitBreaker
{
    /// <summary>Judges a value by the settings in force when the call was admitted.</summary>
    private CircuitBreakerResult<TResult> CompleteWithValue<TResult>(TResult value, long word, long started, CircuitBreakerSettings settings)
    {
        CallOutcome outcome = settings.HasResultClassifiers ? ClassifyValue(value, settings) : CallOutcome.Success;
        Complete(outcome, word, started, settings);
        return outcome is CallOutcome.Failure or CallOutcome.Timeout
            ? CircuitBreakerResult<TResult>.FailedWithValue(value, outcome)
            : CircuitBreakerResult<TResult>.Success(value, outcome);
    }

    /// <summary>Judges an exception by the settings in force when the call was admitted.</summary>
    private CircuitBreakerResult<TResult> CompleteWithException<TResult>(Exception exception, long word, long started, CircuitBreakerSettings settings, CancellationToken cancellationToken)
    {
        CallOutcome outcome = Classify(exception, settings, cancellationToken);
        Complete(outcome, word, started, settings);
        return CircuitBreakerResult<TResult>.Failed(exception, outcome);
    }

    private CallOutcome Classify(Exception exception, CircuitBreakerSettings settings, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return CallOutcome.Ignored;
        }

        if (settings.ClassifyException is { } classify)
        {
            try
            {
                return Normalize(classify(exception));
            }
#pragma warning disable CA1031 // A classifier that throws must not turn the result API into a throwing one.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                ClassifierFailed(failure, nameof(CircuitBreakerOptions.ClassifyException));
                return CallOutcome.Failure;
            }
        }

        return exception is TimeoutException or OperationCanceledException ? CallOutcome.Timeout : CallOutcome.Failure;
    }

    // Out of line: the classifiers run on the closed path, and the handler would keep it from being inlined.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private CallOutcome ClassifyValue<TResult>(TResult value, CircuitBreakerSettings settings)
    {
        try
        {
            return Normalize(settings.ClassifyResult(value));
        }
#pragma warning disable CA1031 // A classifier that throws must not turn the result API into a throwing one.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            ClassifierFailed(failure, "ClassifyResult");
            return CallOutcome.Failure;
        }
    }

    private void ClassifierFailed(Exception failure, string classifier)
    {
        if (_classifierLog.TryEnter(out long held))
        {
            LogClassifierFailed(_logger, failure, Name, classifier, held);
        }
    }

    private static CallOutcome Normalize(CallOutcome outcome) => (uint)outcome <= (uint)CallOutcome.Ignored ? outcome : CallOutcome.Failure;
}
