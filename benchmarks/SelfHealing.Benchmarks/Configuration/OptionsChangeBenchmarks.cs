using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SelfHealing.Configuration;

namespace SelfHealing.Benchmarks.Configuration;

/// <summary>
/// From a change of one value to the app's <c>IOptionsMonitor&lt;T&gt;.OnChange</c> seeing it, in a host built by
/// <c>Host.CreateApplicationBuilder</c>: through <see cref="AdaptiveConfigManager.Update(string, object, ConfigSource)"/>
/// (validated, versioned, published), against setting the value in an in-memory configuration provider and
/// reloading it, the plain way to change configuration at runtime.
/// </summary>
public class OptionsChangeBenchmarks
{
    private IHost _host = null!;
    private AdaptiveConfigManager _manager = null!;
    private MemoryConfigurationProvider _memory = null!;
    private IOptionsMonitor<PoolOptions> _adaptive = null!;
    private IOptionsMonitor<PoolOptions> _plain = null!;
    private TaskCompletionSource<int>? _adaptiveSeen;
    private TaskCompletionSource<int>? _plainSeen;
    private long _next;

    [GlobalSetup]
    public async Task Setup()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Plain:Size"] = "1" });
        builder.Services.Configure<PoolOptions>("adaptive", builder.Configuration.GetSection("Pool"));
        builder.Services.Configure<PoolOptions>("plain", builder.Configuration.GetSection("Plain"));
        builder.Services.AddSelfHealing(b => b.AddAdaptiveParameters(ParameterDefinition.Integer("Pool:Size", 1, 1, long.MaxValue)));
        _host = builder.Build();
        await _host.StartAsync();
        _manager = _host.Services.GetRequiredService<AdaptiveConfigManager>();
        _memory = ((IConfigurationRoot)_host.Services.GetRequiredService<IConfiguration>()).Providers.OfType<MemoryConfigurationProvider>().Single(p => p.TryGet("Plain:Size", out _));
        _adaptive = _host.Services.GetRequiredService<IOptionsMonitor<PoolOptions>>();
        _plain = _adaptive;
        _adaptive.OnChange((o, name) =>
        {
            if (name == "adaptive")
            {
                _adaptiveSeen?.TrySetResult(o.Size);
            }
            else if (name == "plain")
            {
                _plainSeen?.TrySetResult(o.Size);
            }
        });
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Benchmark(Baseline = true, Description = "memory provider Set + Reload -> OnChange")]
    public async Task<int> PlainReload()
    {
        var seen = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _plainSeen = seen;
        _memory.Set("Plain:Size", (++_next + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        ((IConfigurationRoot)_host.Services.GetRequiredService<IConfiguration>()).Reload();
        return await seen.Task;
    }

    [Benchmark(Description = "AdaptiveConfigManager.Update -> OnChange")]
    public async Task<int> AdaptiveUpdate()
    {
        var seen = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _adaptiveSeen = seen;
        _manager.Update("Pool:Size", ++_next + 1);
        return await seen.Task;
    }

    public sealed class PoolOptions
    {
        public int Size { get; set; }
    }
}
