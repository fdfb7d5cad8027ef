using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Metrics;
using SelfHealing.Recovery;

namespace SelfHealing.Dashboard;

/// <summary>The JSON API's handlers (version 1; docs/dashboard.md).</summary>
internal static class DashboardApi
{
    public const int MinSeconds = 10;
    public const int MaxSeconds = 7 * 24 * 3600;
    public const int MinPoints = 2;
    public const int MaxPoints = 500;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IResult Snapshot(HttpContext context, DashboardSnapshot snapshot) =>
        Results.Json(snapshot.Build(DashboardAccess.Actions(context)), Json);

    public static IResult MetricNames(HttpContext context)
    {
        if (context.RequestServices.GetService<IMetricsCollector>() is not { } collector)
        {
            return Results.Json(new { names = Array.Empty<string>() }, Json);
        }

        return Results.Json(new { names = collector.MetricNames.Order(StringComparer.Ordinal).ToArray() }, Json);
    }

    public static async Task<IResult> Series(HttpContext context, string? name, int? seconds, int? points)
    {
        if (context.RequestServices.GetService<IMetricsCollector>() is not { } collector)
        {
            return Results.Problem("The metrics collector is not registered (AddSelfHealing(b => b.AddMetrics())).", statusCode: StatusCodes.Status404NotFound);
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return Results.Problem("The query parameter 'name' is missing; allowed: a metric name from api/v1/metrics.", statusCode: StatusCodes.Status400BadRequest);
        }

        int range = seconds ?? 300;
        int count = points ?? 60;
        if (range is < MinSeconds or > MaxSeconds)
        {
            return Results.Problem(string.Create(CultureInfo.InvariantCulture, $"The query parameter 'seconds' is {range}; allowed: {MinSeconds} to {MaxSeconds}."), statusCode: StatusCodes.Status400BadRequest);
        }

        if (count is < MinPoints or > MaxPoints)
        {
            return Results.Problem(string.Create(CultureInfo.InvariantCulture, $"The query parameter 'points' is {count}; allowed: {MinPoints} to {MaxPoints}."), statusCode: StatusCodes.Status400BadRequest);
        }

        if (!collector.MetricNames.Contains(name))
        {
            return Results.Problem($"No metric is named '{name}'.", statusCode: StatusCodes.Status404NotFound);
        }

        TimeProvider time = context.RequestServices.GetRequiredService<TimeProvider>();
        DateTimeOffset end = time.GetUtcNow();
        TimeSpan step = TimeSpan.FromSeconds(range) / count;
        DateTimeOffset start = end - (step * count);
        var result = new List<SeriesPointDto>(count);
        for (int i = 0; i < count; i++)
        {
            DateTimeOffset since = start + (step * i);
            AggregatedMetric slice = await collector.AggregateAsync(name, since, since + step, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            result.Add(slice.Count == 0
                ? new SeriesPointDto(since + step, 0, 0, null, null, null)
                : new SeriesPointDto(since + step, slice.Count, JsonNumbers.OrZero(slice.RatePerSecond), JsonNumbers.OrNull(slice.P50), JsonNumbers.OrNull(slice.P95), JsonNumbers.OrNull(slice.P99)));
        }

        return Results.Json(new SeriesDto(name, start, step.TotalSeconds, result), Json);
    }

    public static async ValueTask<object?> ActionsFilter(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        HttpContext context = invocation.HttpContext;
        ActionsDto actions = DashboardAccess.Actions(context);
        if (!actions.Allowed)
        {
            return Results.Text(actions.Reason, statusCode: StatusCodes.Status403Forbidden);
        }

        if (HttpMethods.IsPost(context.Request.Method))
        {
            IAntiforgery antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            try
            {
                await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.Text("The action's antiforgery token is missing or invalid: read one from api/v1/antiforgery and post it as a form field.", statusCode: StatusCodes.Status400BadRequest);
            }
        }

        return await next(invocation).ConfigureAwait(false);
    }

    public static IResult Antiforgery(HttpContext context)
    {
        IAntiforgery antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        AntiforgeryTokenSet tokens = antiforgery.GetAndStoreTokens(context);
        return Results.Json(new { field = tokens.FormFieldName, token = tokens.RequestToken }, Json);
    }

    public static IResult Isolate(HttpContext context, string name) => OnBreaker(context, name, static b => b.Isolate());

    public static IResult Reset(HttpContext context, string name) => OnBreaker(context, name, static b => b.Reset());

    public static IResult Decide(HttpContext context, string id, bool approve)
    {
        if (context.RequestServices.GetService<DashboardApprovals>() is not { } approvals)
        {
            return Results.Problem("Approvals from the dashboard are off: call UseDashboardApprovals() in AddSelfHealing(...).", statusCode: StatusCodes.Status404NotFound);
        }

        return approvals.Decide(id, approve)
            ? Results.NoContent()
            : Results.Problem($"No recovery waits for approval '{id}' (it was answered, or timed out).", statusCode: StatusCodes.Status404NotFound);
    }

    public static async Task<IResult> RollbackAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<AdaptiveConfigManager>() is not { } configuration)
        {
            return Results.Problem("Adaptive configuration is not registered.", statusCode: StatusCodes.Status404NotFound);
        }

        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        string? text = form["version"];
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long version))
        {
            return Results.Problem($"The form field 'version' is '{text}'; allowed: a configuration version number.", statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            ConfigSnapshot now = configuration.Rollback(version, "rolled back from the dashboard");
            return Results.Json(new { version = now.Version }, Json);
        }
        catch (ArgumentException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    public static async Task<IResult> SwitchAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<RecoveryManager>() is null)
        {
            return Results.Problem("The recovery manager is not registered.", statusCode: StatusCodes.Status404NotFound);
        }

        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        string? text = form["value"];
        if (text is not ("on" or "off" or "configured"))
        {
            return Results.Problem($"The form field 'value' is '{text}'; allowed: on, off or configured.", statusCode: StatusCodes.Status400BadRequest);
        }

        bool? value = text == "configured" ? null : text == "on";
        context.RequestServices.GetRequiredService<DashboardSwitches>().SetAutomaticRecovery(value);
        bool now = context.RequestServices.GetRequiredService<IOptionsMonitor<RecoveryOptions>>().CurrentValue.AutomaticRecovery;
        return Results.Json(new { automaticRecovery = now, overridden = value is not null }, Json);
    }

    private static IResult OnBreaker(HttpContext context, string name, Action<CircuitBreaker> act)
    {
        if (context.RequestServices.GetService<CircuitBreakerRegistry>() is not { } registry || !registry.TryGet(name, out CircuitBreaker? breaker))
        {
            return Results.Problem($"No circuit breaker is named '{name}'.", statusCode: StatusCodes.Status404NotFound);
        }

        act(breaker!);
        return Results.Json(new { name, state = breaker!.State.ToString() }, Json);
    }
}
