using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Recovery;

namespace SelfHealing.Tests.DependencyInjection;

/// <summary>
/// Seeded fuzzing of every SelfHealing options class through configuration: hostile strings for every scalar option, at
/// start and as reloads. At start: the host starts, or fails with an options or argument error naming a key it was given;
/// as a reload: nothing throws, and the options in force stay readable.
/// </summary>
public sealed class OptionsFuzzTests
{
    private static readonly (Type Options, string Section)[] Sections =
    [
        (typeof(EventHubOptions), "SelfHealing:Events"),
        (typeof(MetricsCollectorOptions), "SelfHealing:Metrics"),
        (typeof(HealthMonitorOptions), "SelfHealing:Health"),
        (typeof(AdaptiveConfigOptions), "SelfHealing:Configuration"),
        (typeof(RecoveryOptions), "SelfHealing:Recovery"),
        (typeof(CircuitBreakerOptions), "SelfHealing:CircuitBreakers:fuzz"),
    ];

    private static readonly string[] Hostile =
    [
        "abc", "", " ", "NaN", "Infinity", "-Infinity", "0", "-1", "1", "0.5", "1e308", "-1e308", "99999999999", "2147483648",
        "maybe", "true", "00:00:00", "-00:00:01", "00:00:00.0001", "10675199.02:48:05.4775807", "1.00:00:00", "Unknown",
        "Critical", "High", "CountBased", "<script>", new string('9', 400), "0x10", "1,5",
    ];

    private static readonly string[] Keys = [.. Sections.SelectMany(s => ScalarKeys(s.Options, s.Section))];

    [Fact]
    public async Task Hostile_values_at_start_start_the_host_or_stop_it_with_a_message_naming_a_key_given()
    {
        var random = new Random(20261202);
        int started = 0, refused = 0;
        for (int round = 0; round < 300; round++)
        {
            Dictionary<string, string?> settings = Pick(random);
            using IHost host = Build(settings);
            Exception? failure = null;
            try
            {
                await host.StartAsync();
                await host.StopAsync();
            }
#pragma warning disable CA1031 // Every failure is judged below.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failure = exception;
            }

            if (failure is null)
            {
                started++;
                continue;
            }

            refused++;
            failure.Should().Match<Exception>(e => e is OptionsValidationException || e is ArgumentException || e is AggregateException,
                $"round {round} ({Describe(settings)}) failed with {failure}");
            string text = failure.ToString();
            settings.Keys.Should().Contain(k => text.Contains(k.Substring(k.LastIndexOf(':') + 1), StringComparison.OrdinalIgnoreCase) && text.Contains(Section(k), StringComparison.Ordinal),
                $"round {round}: the message should name a key it was given ({Describe(settings)}): {failure.Message}");
        }

        // Both outcomes are exercised: the fuzzing is not all rejected, nor all accepted.
        started.Should().BePositive();
        refused.Should().BeGreaterThan(10);
    }

    [Fact]
    public async Task Hostile_values_as_reloads_throw_to_nobody_and_leave_readable_options()
    {
        var random = new Random(2412);
        using IHost host = Build([]);
        await host.StartAsync();
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        CircuitBreaker breaker = host.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("fuzz");

        for (int round = 0; round < 150; round++)
        {
            Dictionary<string, string?> settings = Pick(random);
            foreach ((string key, string? value) in settings)
            {
                configuration[key] = value;
            }

            Action reload = configuration.Reload;
            reload.Should().NotThrow($"round {round}: {Describe(settings)}");
            foreach ((Type type, _) in Sections)
            {
                object monitor = host.Services.GetRequiredService(typeof(IOptionsMonitor<>).MakeGenericType(type));
                Action read = () => _ = monitor.GetType().GetProperty("CurrentValue")!.GetValue(monitor);
                read.Should().NotThrow($"round {round}: {type.Name} after {Describe(settings)}");
            }

            (await breaker.ExecuteAsync(_ => new ValueTask<int>(1))).Value.Should().Be(1, $"round {round}: the breaker still works");
            foreach (string key in settings.Keys)
            {
                configuration[key] = null;
            }
        }

        await host.StopAsync();
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        builder.Services.AddSelfHealing(b => b
            .AddCircuitBreaker("fuzz")
            .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; }));
        return builder.Build();
    }

    private static Dictionary<string, string?> Pick(Random random)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        int count = random.Next(1, 4);
        for (int i = 0; i < count; i++)
        {
            settings[Keys[random.Next(Keys.Length)]] = Hostile[random.Next(Hostile.Length)];
        }

        return settings;
    }

    private static string Section(string key) => Sections.First(s => key.StartsWith(s.Section + ":", StringComparison.Ordinal)).Section;

    private static string Describe(Dictionary<string, string?> settings) =>
        string.Join(", ", settings.Select(p => $"{p.Key}={(p.Value?.Length > 20 ? p.Value[..20] + "..." : p.Value)}"));

    // Every scalar option (and those of nested option objects), as configuration keys.
    private static IEnumerable<string> ScalarKeys(Type type, string prefix, int depth = 0)
    {
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Type t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t.IsPrimitive || t.IsEnum || t == typeof(TimeSpan) || t == typeof(string) || t == typeof(decimal))
            {
                if (property.CanWrite && property.SetMethod!.IsPublic)
                {
                    yield return $"{prefix}:{property.Name}";
                }
            }
            else if (depth == 0 && t.IsClass && t.Namespace?.StartsWith("SelfHealing", StringComparison.Ordinal) == true && property.CanRead)
            {
                foreach (string nested in ScalarKeys(t, $"{prefix}:{property.Name}", depth + 1))
                {
                    yield return nested;
                }
            }
        }
    }
}
