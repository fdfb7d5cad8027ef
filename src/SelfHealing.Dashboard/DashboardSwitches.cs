using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using SelfHealing.Recovery;

namespace SelfHealing.Dashboard;

/// <summary>
/// The kill switch an operator flips from the page: automatic recovery off (or back on) over what configuration says,
/// until it is set back to the configured value. It works through the options system, as a configuration reload
/// would: a post-configuration of <see cref="RecoveryOptions"/> and a change token, so the recovery manager, which
/// reads <see cref="RecoveryOptions.AutomaticRecovery"/> on every decision, follows at once.
/// </summary>
internal sealed class DashboardSwitches : IPostConfigureOptions<RecoveryOptions>, IOptionsChangeTokenSource<RecoveryOptions>, IDisposable
{
    private readonly Lock _gate = new();
    private CancellationTokenSource _changed = new();
    private bool? _automaticRecovery;

    /// <summary>Gets the operator's setting of automatic recovery: null when configuration decides.</summary>
    public bool? AutomaticRecovery
    {
        get
        {
            lock (_gate)
            {
                return _automaticRecovery;
            }
        }
    }

    string? IOptionsChangeTokenSource<RecoveryOptions>.Name => Options.DefaultName;

    /// <summary>Sets automatic recovery on, off, or back to configuration (null).</summary>
    public void SetAutomaticRecovery(bool? value)
    {
        CancellationTokenSource changed;
        lock (_gate)
        {
            _automaticRecovery = value;
            changed = _changed;
            _changed = new CancellationTokenSource();
        }

        changed.Cancel(); // outside the lock: the options monitor recomputes on this thread
        changed.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _changed.Dispose();
        }
    }

    public void PostConfigure(string? name, RecoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (AutomaticRecovery is { } on)
        {
            options.AutomaticRecovery = on;
        }
    }

    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }
}
