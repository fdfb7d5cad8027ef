using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Health;

public sealed partial class HealthMonitor
{
    // One component per health check registration (except the monitor's own views) and per declared component;
    // a declared component with a registration's name is that registration, with its thresholds and dependencies.
    private Dictionary<string, ComponentState> BuildComponents()
    {
        var registrations = _checks.Registrations.Where(r => Watches(r, _options)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        // The check of every breaker sees what each breaker's own check sees: it depends on them, so one breaker
        // opening has one root cause (that breaker), not two.
        string[] breakerChecks = [.. registrations.Values
            .Where(r => r.Tags.Contains(BreakerStateTag) && r.Name != AllBreakersCheckName)
            .Select(r => r.Name)];
        var states = new Dictionary<string, ComponentState>(StringComparer.Ordinal);
        string[] names = [.. registrations.Keys.Union(_options.Components.Keys, StringComparer.Ordinal)];
        foreach (string name in names)
        {
            HealthCheckRegistration? registration = registrations.GetValueOrDefault(name);
            IEnumerable<string>? implied = registration?.Tags.Contains(BreakerStateTag) != true ? null
                : name == AllBreakersCheckName ? breakerChecks
                : GuardedComponent(name, names) is { } guarded ? [guarded]
                : null;
            states[name] = new ComponentState(
                name,
                registration,
                _options.Components.TryGetValue(name, out HealthComponentOptions? declared) ? declared : null,
                _options,
                implied);
        }

        var errors = new OptionErrors(HealthMonitorOptionsValidator.Section);
        foreach ((string name, HealthComponentOptions component) in _options.Components)
        {
            foreach (string dependency in component.DependsOn.Where(d => !states.ContainsKey(d)))
            {
                errors.Add($"{nameof(_options.Components)}:{name}:{nameof(component.DependsOn)}", $"'{dependency}'", KnownNames(states));
            }
        }

        foreach (string name in _options.Intervals.Keys.Where(n => !states.ContainsKey(n)))
        {
            errors.AddMessage($"{errors.Key($"{nameof(_options.Intervals)}:{name}")} names no component; allowed: {KnownNames(states)}.");
        }

        if (FindCycle(states) is { } cycle)
        {
            errors.AddMessage($"{errors.Key(nameof(_options.Components))}: the dependencies form a cycle, {string.Join(" -> ", cycle)}; allowed: no cycle.");
        }

        if (errors.Any)
        {
            throw new InvalidOperationException($"The health monitor cannot start:{Environment.NewLine}{errors}");
        }

        return states;
    }

    // A breaker's check (circuit-breaker:{name}) sees the calls to the component of the same name, when there is one: it
    // depends on that component, so while both are in trouble the component is the root cause and the breaker's check
    // is affected by it (one cause, not two); a breaker open on its own is still its own cause. Not when the component
    // says it depends on the breaker's check (that would be a cycle).
    private string? GuardedComponent(string breakerCheck, string[] names)
    {
        if (!breakerCheck.StartsWith(CircuitBreaker.SourcePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        string component = breakerCheck[CircuitBreaker.SourcePrefix.Length..];
        return names.Contains(component, StringComparer.Ordinal)
            && !(_options.Components.TryGetValue(component, out HealthComponentOptions? declared) && declared.DependsOn.Contains(breakerCheck, StringComparer.Ordinal))
            ? component
            : null;
    }

    /// <summary>Whether the monitor watches a health check registration: not its own views; the app's checks unless told not to.</summary>
    internal static bool Watches(HealthCheckRegistration registration, HealthMonitorOptions options) =>
        !registration.Tags.Contains(OwnCheckTag)
        && (options.WatchHealthChecks
            || registration.Tags.Contains(LibraryTag)
            || options.Components.ContainsKey(registration.Name));

    private static string KnownNames(Dictionary<string, ComponentState> states) =>
        states.Count == 0 ? "no component is registered" : $"one of {string.Join(", ", states.Keys.Order(StringComparer.Ordinal))}";

    private static List<string>? FindCycle(Dictionary<string, ComponentState> states)
    {
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        List<string>? Visit(string name)
        {
            int index = path.IndexOf(name);
            if (index >= 0)
            {
                return [.. path.Skip(index), name];
            }

            if (finished.Contains(name) || !states.TryGetValue(name, out ComponentState? state))
            {
                return null;
            }

            path.Add(name);
            foreach (string dependency in state.DependsOn)
            {
                if (Visit(dependency) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            finished.Add(name);
            return null;
        }

        return states.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c is not null);
    }

    /// <summary>
    /// The unhealthy components upstream of <paramref name="name"/> that explain its trouble: its dependencies,
    /// direct or not, that are not healthy while none of their own dependencies is in trouble.
    /// </summary>
    private IReadOnlyList<string> RootCausesUpstream(string name, Dictionary<string, IReadOnlyList<string>>? memo = null)
    {
        IReadOnlyDictionary<string, ComponentState> states = Volatile.Read(ref _states);
        memo ??= new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!states.TryGetValue(name, out ComponentState? state) || state.DependsOn.Count == 0)
        {
            return [];
        }

        if (memo.TryGetValue(name, out IReadOnlyList<string>? known))
        {
            return known;
        }

        var causes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string dependency in state.DependsOn)
        {
            IReadOnlyList<string> upstream = RootCausesUpstream(dependency, memo);
            causes.UnionWith(upstream);
            if (upstream.Count == 0 && states.TryGetValue(dependency, out ComponentState? d) && d.Level != HealthLevel.Healthy)
            {
                causes.Add(dependency);
            }
        }

        IReadOnlyList<string> result = [.. causes];
        memo[name] = result;
        return result;
    }
}
