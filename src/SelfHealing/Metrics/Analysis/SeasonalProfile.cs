namespace SelfHealing.Metrics.Analysis;

/// <summary>
/// The typical value at each time of day: one slot per part of the day, each an exponentially weighted mean
/// across days, so a daily cycle is predicted from the same time on the days before. A slot predicts nothing
/// until a later day reaches it.
/// </summary>
internal sealed class SeasonalProfile
{
    private const double FirstDayAlpha = 0.3;

    private readonly float[] _mean;
    private readonly ushort[] _firstDay;
    private readonly double _alpha;
    private readonly long _slotTicks;
    private int _origin = -1;

    /// <param name="slots">Slots per day.</param>
    /// <param name="step">The time between observations, so that a slot's many observations in one day move it as much as one day.</param>
    /// <param name="alphaPerDay">How much one day moves a slot.</param>
    public SeasonalProfile(int slots, TimeSpan step, double alphaPerDay)
    {
        _mean = new float[slots];
        _firstDay = new ushort[slots];
        _slotTicks = TimeSpan.TicksPerDay / slots;
        double perSlot = Math.Max(1, (double)_slotTicks / Math.Max(1, step.Ticks));
        _alpha = alphaPerDay / perSlot;
    }

    /// <summary>The slot and the day number of a timestamp.</summary>
    public (int Slot, int Day) Locate(DateTimeOffset timestamp)
    {
        long ticks = timestamp.UtcTicks;
        return ((int)((ticks % TimeSpan.TicksPerDay) / _slotTicks), (int)(ticks / TimeSpan.TicksPerDay));
    }

    /// <summary>The slot's typical value, or NaN when no earlier day has reached the slot.</summary>
    public double Expected(int slot, int day) => _firstDay[slot] > 0 && FirstDay(slot) < day ? _mean[slot] : double.NaN;

    public void Add(int slot, int day, double value)
    {
        if (_origin < 0)
        {
            _origin = day;
        }

        if (_firstDay[slot] == 0)
        {
            // The first day to reach a slot sets it, and moves it fast while that day lasts.
            _firstDay[slot] = (ushort)Math.Min(day - _origin + 1, ushort.MaxValue);
            _mean[slot] = (float)value;
            return;
        }

        if (FirstDay(slot) == day)
        {
            _mean[slot] += (float)(FirstDayAlpha * (value - _mean[slot]));
            return;
        }

        _mean[slot] += (float)(_alpha * (value - _mean[slot]));
    }

    private int FirstDay(int slot) => _origin + _firstDay[slot] - 1;
}
