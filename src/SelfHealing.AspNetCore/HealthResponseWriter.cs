using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.AspNetCore;

/// <summary>
/// Writes a <see cref="HealthReport"/> as JSON that names every check with its status, description and data, for
/// example <c>{"status":"Degraded","durationMs":0.3,"checks":{"circuit-breaker:weather":{"status":"Degraded",
/// "description":"Circuit 'weather' is Open; ...","durationMs":0.01,"data":{"state":"Open",...}}}}</c>. Exceptions
/// are not written (a health endpoint is often reachable from outside); their checks' descriptions are.
/// Use it as <c>HealthCheckOptions.ResponseWriter</c>, or through
/// <see cref="Microsoft.AspNetCore.Builder.SelfHealingEndpointExtensions.MapSelfHealingHealthChecks"/>.
/// </summary>
public static class HealthResponseWriter
{
    /// <summary>The response's content type.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Writes the report to the response.</summary>
    /// <param name="context">The request's context.</param>
    /// <param name="report">The report.</param>
    /// <returns>A task that ends when the body is written.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = ContentType;
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 3));
        json.WriteStartObject("checks");
        foreach ((string name, HealthReportEntry entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            if (entry.Description is { } description)
            {
                json.WriteString("description", description);
            }

            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 3));
            if (entry.Data.Count > 0)
            {
                json.WriteStartObject("data");
                foreach ((string key, object value) in entry.Data)
                {
                    WriteValue(json, key, value);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false); // into the pipe's buffer
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(key);
                break;
            case bool flag:
                json.WriteBoolean(key, flag);
                break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                json.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double number when double.IsFinite(number):
                json.WriteNumber(key, number);
                break;
            case float number when float.IsFinite(number):
                json.WriteNumber(key, number);
                break;
            case decimal number:
                json.WriteNumber(key, number);
                break;
            case IFormattable formattable:
                json.WriteString(key, formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(key, value.ToString());
                break;
        }
    }
}
