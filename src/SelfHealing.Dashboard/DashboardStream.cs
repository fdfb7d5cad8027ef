using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;

namespace SelfHealing.Dashboard;

/// <summary>
/// The live stream (server-sent events): every event recorded after the page connected, as it is recorded, with a
/// comment every 15 seconds so that proxies keep the connection open.
/// </summary>
internal static class DashboardStream
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(HttpContext context, DashboardRecorder recorder, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        HttpResponse response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        ChannelReader<DashboardEvent> reader = recorder.Connect(stop.Token);
        try
        {
            await WriteAsync(response, "retry: 2000\n: connected\n\n", stop.Token).ConfigureAwait(false);
            Task<bool>? waiting = null;
            Task? tick = null; // one timer at a time, however many events come between two ticks
            while (!stop.IsCancellationRequested)
            {
                waiting ??= reader.WaitToReadAsync(stop.Token).AsTask();
                tick ??= Task.Delay(KeepAlive, time, stop.Token);
                if (await Task.WhenAny(waiting, tick).ConfigureAwait(false) != waiting)
                {
                    tick = null;
                    await WriteAsync(response, ": keep-alive\n\n", stop.Token).ConfigureAwait(false);
                    continue;
                }

                bool more = await waiting.ConfigureAwait(false);
                waiting = null;
                if (!more)
                {
                    break;
                }

                var text = new StringBuilder();
                while (reader.TryRead(out DashboardEvent? item))
                {
                    text.Append("id: ").Append(item.Sequence).Append("\ndata: ").Append(JsonSerializer.Serialize(item, DashboardApi.Json)).Append("\n\n");
                }

                await WriteAsync(response, text.ToString(), stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the page went away, or the app is stopping
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
