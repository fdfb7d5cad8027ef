using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SelfHealing.CircuitBreakers;
using SelfHealing.DependencyInjection;
using SelfHealing.Recovery;
using SelfHealing.Telemetry;

namespace SelfHealing.OpenTelemetry.Tests;

/// <summary>The recovery trace and the rejection event, read through OpenTelemetry's in-memory exporter.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task An_incident_is_one_trace_linked_to_the_request_that_asked_with_a_span_per_action_and_the_components_own_spans_under_it()
    {
        bool restarted = false;
        await using var host = new TelemetryHost((b, name) => b.AddHealableComponent(name, c => c
            .OnRestart(_ =>
            {
                using Activity? own = TelemetryHost.App.StartActivity("reopen the connection pool");
                restarted = true;
                return ValueTask.CompletedTask;
            })
            .VerifyWith(_ => ValueTask.FromResult(restarted))));
        await host.StartAsync();

        ActivityContext request;
        using (Activity caller = TelemetryHost.App.StartActivity("GET /orders")!)
        {
            request = caller.Context;
            await host.Services.GetRequiredService<RecoveryManager>().RecoverAsync(host.Name, FailureTypes.Critical);
        }

        Activity incident = host.Spans.Single(s => s.OperationName == SelfHealingActivitySource.Incident && Equals(s.GetTagItem(SelfHealingMeter.ComponentTag), host.Name));
        incident.TraceId.Should().NotBe(request.TraceId, "an incident is its own trace");
        incident.ParentSpanId.Should().Be(default(ActivitySpanId));
        incident.Links.Should().ContainSingle().Which.Context.Should().Be(request);
        incident.Status.Should().Be(ActivityStatusCode.Ok);
        incident.GetTagItem(SelfHealingMeter.IncidentStatusTag).Should().Be("resolved");
        incident.Events.Select(e => e.Name).Should().ContainInOrder("diagnosis", "action", "verification", "resolution");
        incident.Events.First(e => e.Name == "resolution").Tags.Should().Contain(t => t.Key == SelfHealingActivitySource.MessageAttribute);

        Activity attempt = host.Spans.Single(s => s.OperationName == SelfHealingActivitySource.RecoveryAttempt && s.TraceId == incident.TraceId);
        attempt.ParentSpanId.Should().Be(incident.SpanId);
        (attempt.GetTagItem(SelfHealingMeter.StrategyTag), attempt.GetTagItem(SelfHealingMeter.ResultTag), attempt.GetTagItem(SelfHealingActivitySource.AttemptAttribute))
            .Should().Be(("restart", "recovered", (object)1));

        Activity own = host.Spans.Single(s => s.OperationName == "reopen the connection pool" && s.TraceId == incident.TraceId);
        own.ParentSpanId.Should().Be(attempt.SpanId, "the component's own work nests under the action");
    }

    [Fact]
    public async Task An_incident_opened_by_a_breaker_links_to_the_call_that_opened_it_and_an_escalation_is_an_error()
    {
        await using var host = new TelemetryHost((b, name) => b
            .AddCircuitBreaker(name, o => o.ConsecutiveFailuresToOpen = 1)
            .AddHealableComponent(name, c => c.OnRestart(_ => ValueTask.CompletedTask).VerifyWith(_ => ValueTask.FromResult(false)))
            .ConfigureRecovery(o => { o.VerificationTimeout = TimeSpan.FromSeconds(1); o.VerificationInterval = TimeSpan.FromSeconds(1); }));
        await host.StartAsync();
        CircuitBreaker breaker = host.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate(host.Name);

        ActivityContext request;
        using (Activity caller = TelemetryHost.App.StartActivity("POST /payments")!)
        {
            request = caller.Context;
            await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException("payment gateway down"));
        }

        breaker.State.Should().Be(CircuitState.Open);
        Incident closed = await host.ClosedAsync();

        closed.Status.Should().Be(IncidentStatus.Escalated);
        Activity incident = host.Spans.Single(s => s.OperationName == SelfHealingActivitySource.Incident && Equals(s.GetTagItem(SelfHealingMeter.ComponentTag), host.Name));
        incident.Links.Should().ContainSingle().Which.Context.Should().Be(request, "the breaker opened during that request");
        incident.Status.Should().Be(ActivityStatusCode.Error);
        incident.StatusDescription.Should().Contain("a human has to act");
        incident.GetTagItem(SelfHealingMeter.FailureTypeTag).Should().Be(FailureTypes.CircuitOpen);
        host.Spans.Where(s => s.OperationName == SelfHealingActivitySource.RecoveryAttempt && s.TraceId == incident.TraceId)
            .Should().NotBeEmpty().And.OnlyContain(s => s.Status == ActivityStatusCode.Error);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_rejected_call_marks_the_callers_span_only_when_asked(bool record)
    {
        await using var host = new TelemetryHost((b, name) => b.AddCircuitBreaker(name), o => o.RecordRejectedCalls = record);
        await host.StartAsync();
        CircuitBreaker breaker = host.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate(host.Name);
        breaker.Isolate();

        Activity caller = TelemetryHost.App.StartActivity("GET /quote")!;
        (await breaker.ExecuteAsync(_ => ValueTask.FromResult(1))).Status.Should().Be(CircuitBreakerResultStatus.Rejected);
        caller.Stop();

        ActivityEvent[] rejected = [.. caller.Events.Where(e => e.Name == SelfHealingActivitySource.CallRejectedEvent)];
        if (record)
        {
            rejected.Should().ContainSingle().Which.Tags.Should().Contain(
                new KeyValuePair<string, object?>(SelfHealingMeter.CircuitNameTag, host.Name),
                new KeyValuePair<string, object?>(SelfHealingMeter.StateTag, "isolated"));
        }
        else
        {
            SelfHealingRejectionsListened().Should().BeFalse("only this test's provider is alive (the tests of this assembly run one at a time)");
            rejected.Should().BeEmpty();
        }
    }

    private static bool SelfHealingRejectionsListened()
    {
        using var probe = new ActivitySource(SelfHealingActivitySource.RejectionsName);
        return probe.HasListeners();
    }
}
