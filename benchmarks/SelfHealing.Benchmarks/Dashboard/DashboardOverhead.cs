using System.Globalization;
using Microsoft.AspNetCore.Builder;
using SelfHealing.Samples.Demo;

namespace SelfHealing.Benchmarks.Dashboard;

/// <summary>
/// <c>dashboard [--seconds N] [--rounds N] [--clients N] [--warmup S]</c>: the demo app's request throughput (closed-loop clients on
/// 127.0.0.1 asking <c>/shop</c>, each request a storefront call through the shop's breakers) with no dashboard open
/// and with one open, alternating, in one process. "Open" is what a page asks of the server: the snapshot every
/// second, a metric series every two, the live stream read throughout; the browser itself runs elsewhere, as an
/// operator's would. Last line: <c>dashboard requests_per_s_closed=R requests_per_s_open=R drop_pct=P spread_pct=S</c>.
/// </summary>
internal static class DashboardOverhead
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        double seconds = Option(args, "--seconds", 10);
        int rounds = (int)Option(args, "--rounds", 3);
        int clients = (int)Option(args, "--clients", 16);
        if (!(seconds >= 1) || rounds < 1 || clients < 1)
        {
            Console.Error.WriteLine("usage: dashboard [--seconds N >= 1] [--rounds N >= 1] [--clients N >= 1] [--warmup S]");
            return 2;
        }

        (WebApplication app, string address) = await DemoApp.StartOnLoopbackAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 4 }) { BaseAddress = new Uri(address) };

        Console.WriteLine($"demo app at {address}; {clients} clients; {rounds} rounds of {seconds} s closed and {seconds} s open, alternating");
        await MeasureAsync(http, clients, TimeSpan.FromSeconds(Option(args, "--warmup", 20)), viewer: false); // JIT tiers, pools, caches
        var closed = new List<double>();
        var open = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            foreach (bool viewer in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                double rate = await MeasureAsync(http, clients, TimeSpan.FromSeconds(seconds), viewer);
                (viewer ? open : closed).Add(rate);
                Console.WriteLine(string.Create(Invariant, $"round {round + 1}, dashboard {(viewer ? "open  " : "closed")}: {rate,8:F0} requests/s"));
            }
        }

        await app.StopAsync();
        await app.DisposeAsync();

        double[] drops = [.. closed.Zip(open, (c, o) => 100 * (c - o) / c)];
        double drop = 100 * (closed.Average() - open.Average()) / closed.Average();
        double spread = drops.Max() - drops.Min();
        Console.WriteLine(string.Create(Invariant, $"per round drop: {string.Join(", ", drops.Select(d => d.ToString("F1", Invariant)))} %"));
        Console.WriteLine(string.Create(Invariant, $"dashboard requests_per_s_closed={closed.Average():F0} requests_per_s_open={open.Average():F0} drop_pct={drop:F1} spread_pct={spread:F1}"));
        return 0;
    }

    private static async Task<double> MeasureAsync(HttpClient http, int clients, TimeSpan duration, bool viewer)
    {
        using var stop = new CancellationTokenSource(duration);
        using var viewing = new CancellationTokenSource();
        Task page = viewer ? ViewAsync(http, viewing.Token) : Task.CompletedTask;
        long served = 0;
        long started = TimeProvider.System.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using HttpResponseMessage response = await http.GetAsync("/shop", stop.Token);
                    Interlocked.Increment(ref served);
                }
                catch (OperationCanceledException)
                {
                    // the phase ended
                }
            }
        })));
        double elapsed = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        await viewing.CancelAsync();
        await page;
        return served / elapsed;
    }

    // What an open page asks of the server.
    private static async Task ViewAsync(HttpClient http, CancellationToken cancellationToken)
    {
        Task stream = Task.Run(async () =>
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync("/selfhealing/api/v1/stream", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                while (await reader.ReadLineAsync(cancellationToken) is not null)
                {
                }
            }
            catch (OperationCanceledException)
            {
                // the page closed
            }
        }, CancellationToken.None);
        try
        {
            for (int tick = 0; !cancellationToken.IsCancellationRequested; tick++)
            {
                await http.GetStringAsync("/selfhealing/api/v1/snapshot", cancellationToken);
                if (tick % 2 == 0)
                {
                    await http.GetStringAsync("/selfhealing/api/v1/metrics/series?name=shop.requests.served&seconds=300&points=60", cancellationToken);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // the page closed
        }

        await stream;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && double.TryParse(args[at + 1], NumberStyles.Float, Invariant, out double value) ? value : fallback;
    }
}
