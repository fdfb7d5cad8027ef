using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Configuration;
using SelfHealing.Health;

namespace SelfHealing.Tests.Recovery;

// Stand-ins for what the decision layer reads and writes: a scripted health view, recorded configuration versions,
// fixed options.
internal sealed class ScriptedHealth : IHealthView
{
    private readonly Dictionary<string, ComponentHealth> _levels = new(StringComparer.Ordinal);
    private int _checks;

    /// <summary>Gets or sets how far a check moves the fake clock.</summary>
    public TimeSpan CheckTakes { get; set; }

    public FakeTimeProvider? Time { get; set; }

    public int Checks => Volatile.Read(ref _checks);

    public IReadOnlyCollection<ComponentHealth> Components
    {
        get
        {
            lock (_levels)
            {
                return [.. _levels.Values];
            }
        }
    }

    public ComponentHealth? GetHealth(string name)
    {
        lock (_levels)
        {
            return _levels.GetValueOrDefault(name);
        }
    }

    public Task CheckNowAsync(string? name = null)
    {
        Interlocked.Increment(ref _checks);
        if (CheckTakes > TimeSpan.Zero)
        {
            Time!.Advance(CheckTakes);
        }

        return Task.CompletedTask;
    }

    public void Set(string name, HealthLevel level)
    {
        lock (_levels)
        {
            _levels[name] = new ComponentHealth(name, level, "scripted", default, default, default);
        }
    }
}

internal sealed class RecordedVersions(Dictionary<string, object> values) : IConfigurationVersions
{
    public Dictionary<string, object> Values { get; } = values;

    public List<IReadOnlyDictionary<string, object>> Updates { get; } = [];

    public List<long> RolledBackTo { get; } = [];

    public Action? OnUpdate { get; set; }

    public ConfigSnapshot Current { get; private set; } = new(1, default, ConfigSource.Static, values);

    public ConfigSnapshot Update(IReadOnlyDictionary<string, object> changes, ConfigSource source = ConfigSource.Manual, double? fitness = null, string? reason = null)
    {
        Updates.Add(changes);
        OnUpdate?.Invoke();
        return Current = new ConfigSnapshot(Current.Version + 1, default, source, new Dictionary<string, object>(Values));
    }

    public ConfigSnapshot Rollback(long version, string? reason = null)
    {
        RolledBackTo.Add(version);
        return Current = new ConfigSnapshot(Current.Version + 1, default, ConfigSource.Rollback, new Dictionary<string, object>(Values));
    }
}

internal sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
