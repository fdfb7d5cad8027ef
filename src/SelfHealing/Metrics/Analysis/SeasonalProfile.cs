namespace SelfHealing.Metrics.Analysis;

/// <summary>
/// The typical value at each phase of a cycle (a day, a week): one slot per part of the period, each an exponentially
/// weighted mean across periods, so a cycle is predicted from the same phase of the periods before. Within the first
/// period that reaches a slot, the slot is the plain mean of what it has seen. A slot predicts nothing until a later
/// period reaches it.
/// </summary>
internal sealed class SeasonalProfile
{
    private readonly float[] _mean;
    private readonly ushort[] _firstPeriod;
    private readonly byte[] _firstCount;
    private readonly double _alpha;
    private readonly long _periodTicks;
    private readonly long _slotTicks;
    private int _origin = -1;

    /// <param name="slots">Slots per period.</param>
    /// <param name="period">The cycle's length.</param>
    /// <param name="step">The time between observations, so that a slot's many observations in one period move it as much as one period.</param>
    /// <param name="alphaPerPeriod">How much one period moves a slot.</param>
    public SeasonalProfile(int slots, TimeSpan period, TimeSpan step, double alphaPerPeriod)
    {
        _mean = new float[slots];
        _firstPeriod = new ushort[slots];
        _firstCount = new byte[slots];
        _periodTicks = period.Ticks;
        _slotTicks = period.Ticks / slots;
        double perSlot = Math.Max(1, (double)_slotTicks / Math.Max(1, step.Ticks));
        _alpha = alphaPerPeriod / perSlot;
    }

    /// <summary>The slot and the period number of a timestamp.</summary>
    public (int Slot, int Period) Locate(DateTimeOffset timestamp)
    {
        long ticks = timestamp.UtcTicks;
        return ((int)((ticks % _periodTicks) / _slotTicks), (int)(ticks / _periodTicks));
    }

    /// <summary>The slot's typical value, or NaN when no earlier period has reached the slot.</summary>
    public double Expected(int slot, int period) => _firstPeriod[slot] > 0 && FirstPeriod(slot) < period ? _mean[slot] : double.NaN;

    public void Add(int slot, int period, double value)
    {
        if (_origin < 0)
        {
            _origin = period;
        }

        if (_firstPeriod[slot] == 0)
        {
            // The first period to reach a slot sets it: the mean of what it sees while that period lasts.
            _firstPeriod[slot] = (ushort)Math.Min(period - _origin + 1, ushort.MaxValue);
            _mean[slot] = (float)value;
            _firstCount[slot] = 1;
            return;
        }

        if (FirstPeriod(slot) == period)
        {
            int seen = Math.Min(_firstCount[slot] + 1, byte.MaxValue);
            _firstCount[slot] = (byte)seen;
            _mean[slot] += (float)((value - _mean[slot]) / seen);
            return;
        }

        _mean[slot] += (float)(_alpha * (value - _mean[slot]));
    }

    private int FirstPeriod(int slot) => _origin + _firstPeriod[slot] - 1;
}
