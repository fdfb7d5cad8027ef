namespace SelfHealing.Metrics.Analysis;

/// <summary>
/// Streaming anomaly detection for one series, fed <c>(timestamp, value)</c> in time order. Every observation gets a
/// score in [0, 1], a calibrated tail probability on a logarithmic scale; an anomaly starts when the score reaches
/// <see cref="AnomalyDetectorOptions.Threshold"/> and is reported once, until the scores have stayed low for
/// <see cref="AnomalyDetectorOptions.QuietPeriod"/> observations.
/// </summary>
/// <remarks>
/// <para>
/// Five surprises are measured per observation, each in units of its own typical size: the value against the best of
/// two predictions (the previous value, or the cycle's value for this time plus the current offset: the same time of
/// day on earlier days, corrected by what the daily cycle got wrong at this hour of the week in earlier weeks); the
/// recent level (an exponentially weighted mean over about five observations) against the long-run level, and against
/// the cycle; how many of the last ten values were surprising; and how far the value lies beyond the range the series
/// has covered (a value the cycle expects at this time counts as covered). Each surprise is judged by a tail model of
/// that surprise's own history (<see cref="TailModel"/>), so a noisy or spiky series needs a larger surprise than a
/// quiet one. The score is −log10 of five times the smallest tail probability (a Bonferroni bound over the five),
/// divided by 10.
/// </para>
/// <para>Not thread-safe: one writer per series (the collector feeds it as each bucket closes). Fixed memory per series
/// (about 6.4 KB), no allocation per observation.</para>
/// </remarks>
public sealed class AnomalyDetector
{
    private const int Channels = 5;
    private const int MaxSlots = 288;
    private const int DensityWindow = 10;
    private const double SurpriseCap = 4;
    private const double ShortAlpha = 0.2;
    private const double OffsetAlpha = 0.05;
    private const double ProfileAlphaPerDay = 0.15;
    private const int WeekSlots = 168;
    private const double WeekAlphaPerWeek = 0.3;
    private const double ScaleFloorOfSpread = 0.01;

    private readonly AnomalyDetectorOptions _options;
    private readonly TailModel _pointTail;
    private readonly TailModel _levelTail;
    private readonly TailModel _cycleTail;
    private readonly TailModel _densityTail;
    private readonly TailModel _rangeTail;
    private readonly double[] _recent = new double[DensityWindow];
    private readonly double _longAlpha;
    private SeasonalProfile? _profile;
    private SeasonalProfile? _week;

    private long _lastTicks;
    private double _stepTicks;
    private double _previous;
    private double _long;
    private double _offset;
    private double _levelShort;
    private double _cycleShort;
    private double _localScale;
    private double _seasonScale;
    private double _levelScale;
    private double _cycleScale;
    private double _spread;
    private double _high;
    private double _low;
    private double _quantum = double.PositiveInfinity;
    private double _recentSum;
    private bool _inEvent;
    private int _quiet;
    private AnomalyEvent _event;

    /// <summary>Creates a detector.</summary>
    /// <param name="options">The sensitivity; defaults when <see langword="null"/>. Copied.</param>
    /// <exception cref="ArgumentException">An option is out of its range; the message names each one.</exception>
    public AnomalyDetector(AnomalyDetectorOptions? options = null)
    {
        AnomalyDetectorOptions o = options ?? new AnomalyDetectorOptions();
        o.ThrowIfInvalid();
        _options = o.Copy();
        _pointTail = new TailModel(o.Horizon);
        _levelTail = new TailModel(o.Horizon);
        _cycleTail = new TailModel(o.Horizon);
        _densityTail = new TailModel(o.Horizon);
        _rangeTail = new TailModel(o.Horizon);
        _longAlpha = 1.0 / o.Horizon;
    }

    /// <summary>Gets how many values have been observed (non-finite ones and out-of-order ones are not counted).</summary>
    public long Observed { get; private set; }

    /// <summary>Gets the anomaly under way (its <see cref="AnomalyEvent.End"/> is <see langword="null"/>), or the last one that ended; <see langword="null"/> before the first.</summary>
    public AnomalyEvent? LastEvent => _event.Start == default ? null : _event;

    /// <summary>Observes the next value.</summary>
    /// <param name="timestamp">When the value was taken. A value older than the previous one is ignored (score 0, nothing learned).</param>
    /// <param name="value">The value. NaN and infinities are ignored (score 0, nothing learned).</param>
    /// <returns>The observation's score and where it stands in an anomaly.</returns>
    public AnomalyScore Observe(DateTimeOffset timestamp, double value)
    {
        long ticks = timestamp.UtcTicks;
        if (!double.IsFinite(value) || (Observed > 0 && ticks < _lastTicks))
        {
            return new AnomalyScore(0, _inEvent ? AnomalyPhase.Continuing : AnomalyPhase.None, value, double.NaN);
        }

        if (Observed == 0)
        {
            _lastTicks = ticks;
            _previous = _long = _high = _low = value;
            Observed = 1;
            return new AnomalyScore(0, AnomalyPhase.None, value, value);
        }

        bool gap = Step(ticks);
        EnsureProfile();

        double difference = Math.Abs(value - _previous);
        if (difference > 0 && difference < _quantum)
        {
            _quantum = difference;
        }

        // No surprise is measured in units smaller than 1 % of the series' spread or half its quantum, so flat or
        // quantized stretches do not make every small step look enormous.
        double floor = Math.Max(Math.Max(0.5 * (double.IsFinite(_quantum) ? _quantum : 0), 1e-9 * Math.Abs(_long)), 1e-12);
        floor = Math.Max(floor, ScaleFloorOfSpread * _spread);

        // Point: the value against the better of two predictions. After a gap only the daily cycle predicts.
        double expected = _previous;
        double zPoint = gap ? double.PositiveInfinity : Math.Abs(value - _previous) / Math.Max(_localScale, floor);
        int slot = 0;
        int day = 0;
        int hour = 0;
        int week = 0;
        double seasonal = double.NaN;
        double daily = double.NaN;
        double weekly = double.NaN;
        if (_profile is not null)
        {
            (slot, day) = _profile.Locate(timestamp);
            daily = _profile.Expected(slot, day);
            seasonal = daily;
            if (_week is not null && !double.IsNaN(daily))
            {
                // The weekly cycle: what the daily profile got wrong at this hour of the week, the weeks before.
                (hour, week) = _week.Locate(timestamp);
                weekly = _week.Expected(hour, week);
                seasonal = double.IsNaN(weekly) ? daily : daily + weekly;
            }

            if (!double.IsNaN(seasonal))
            {
                double zSeason = Math.Abs(value - (seasonal + _offset)) / Math.Max(_seasonScale, floor);
                if (zSeason < zPoint)
                {
                    zPoint = zSeason;
                    expected = seasonal + _offset;
                }
            }
        }

        if (double.IsPositiveInfinity(zPoint))
        {
            zPoint = 0;
        }

        // Level: the recent level against the long-run one, and against the daily cycle.
        double levelShort = _levelShort + (ShortAlpha * (value - _long - _levelShort));
        double zLevel = Math.Abs(levelShort) / Math.Max(_levelScale, floor);
        bool cycle = !double.IsNaN(seasonal);
        double cycleShort = cycle ? _cycleShort + (ShortAlpha * (value - seasonal - _cycleShort)) : 0;
        double zCycle = Math.Abs(cycleShort) / Math.Max(_cycleScale, floor);

        // Range: how far beyond the range the series has covered lately, in units of that range.
        // A value the cycle expects here (the same phase of earlier days or weeks) is inside the covered range.
        double high = cycle ? Math.Max(_high, seasonal + _offset) : _high;
        double low = cycle ? Math.Min(_low, seasonal + _offset) : _low;
        double zRange = Math.Max(0, Math.Max(value - high, low - value)) / Math.Max(high - low, floor);

        // Density: how surprising the last ten points were, on average.
        double pPoint = _pointTail.TailProbability(zPoint);
        double surprise = Math.Min(-Math.Log10(Math.Max(pPoint, 1e-300)), SurpriseCap);
        int index = (int)(Observed % DensityWindow);
        _recentSum += surprise - _recent[index];
        _recent[index] = surprise;
        double zDensity = Math.Max(0, _recentSum / DensityWindow);

        double score = 0;
        if (Observed >= _options.WarmupSamples)
        {
            double p = Math.Min(pPoint, _levelTail.TailProbability(zLevel));
            p = Math.Min(p, Math.Min(_densityTail.TailProbability(zDensity), _rangeTail.TailProbability(zRange)));
            if (cycle && _cycleTail.Count >= _options.WarmupSamples)
            {
                p = Math.Min(p, _cycleTail.TailProbability(zCycle));
            }

            score = Math.Clamp(-Math.Log10(Math.Max(Channels * p, 1e-300)) / 10, 0, 1);
        }

        AnomalyPhase phase = Advance(timestamp, score);

        _pointTail.Add(zPoint);
        _levelTail.Add(zLevel);
        _densityTail.Add(zDensity);
        _rangeTail.Add(zRange);
        double alpha = 1.0 / Math.Min(Observed, _options.Horizon);
        _localScale = Track(_localScale, difference, alpha, floor);
        _levelScale = Track(_levelScale, Math.Abs(value - _long), alpha, floor);
        if (cycle)
        {
            _cycleTail.Add(zCycle);
            _seasonScale = Track(_seasonScale, Math.Abs(value - seasonal - _offset), alpha, floor);
            _cycleScale = Track(_cycleScale, Math.Abs(value - seasonal), alpha, floor);
            _offset += OffsetAlpha * (value - seasonal - _offset);
            _cycleShort = cycleShort;
        }

        _high = value > _high ? value : _high - (_longAlpha * (_high - _long));
        _low = value < _low ? value : _low + (_longAlpha * (_long - _low));
        _spread += alpha * (Math.Abs(value - _long) - _spread);
        _levelShort = levelShort;
        _long += Math.Max(_longAlpha, 1.0 / (Observed + 1)) * (value - _long);
        // Each cycle learns from what the other leaves: the daily one from the value less the weekly part (so weekends
        // do not drag the daily shape down), the weekly one from the value less the daily part.
        _profile?.Add(slot, day, double.IsNaN(weekly) ? value : value - weekly);
        if (_week is not null && !double.IsNaN(daily))
        {
            _week.Add(hour, week, value - daily);
        }

        _previous = value;
        Observed++;
        return new AnomalyScore(score, phase, value, expected);
    }

    /// <summary>An exponentially weighted mean absolute deviation; each deviation is clipped at four times the current mean so one outlier cannot inflate it.</summary>
    private static double Track(double scale, double deviation, double alpha, double floor) =>
        scale <= 0 ? deviation : scale + (alpha * (Math.Min(deviation, 4 * Math.Max(scale, floor)) - scale));

    /// <summary>Follows the typical step between observations; tells whether this one comes after a gap (more than 12 steps).</summary>
    private bool Step(long ticks)
    {
        double delta = ticks - _lastTicks;
        _lastTicks = ticks;
        if (delta <= 0)
        {
            return false;
        }

        bool gap = _stepTicks > 0 && delta > 12 * _stepTicks;
        _stepTicks = _stepTicks <= 0 ? delta : _stepTicks + (0.05 * (Math.Min(delta, 4 * _stepTicks) - _stepTicks));
        return gap;
    }

    /// <summary>Creates the daily profile once the step is known, when it is under six hours (a day then has at least four slots).</summary>
    private void EnsureProfile()
    {
        if (_profile is null && _options.DailyCycle && Observed >= 8 && _stepTicks > 0 && _stepTicks < TimeSpan.TicksPerHour * 6)
        {
            int slots = (int)Math.Clamp(TimeSpan.TicksPerDay / _stepTicks, 4, MaxSlots);
            var step = TimeSpan.FromTicks((long)_stepTicks);
            _profile = new SeasonalProfile(slots, TimeSpan.FromDays(1), step, ProfileAlphaPerDay);
            if (_options.WeeklyCycle && _stepTicks <= TimeSpan.TicksPerHour)
            {
                _week = new SeasonalProfile(WeekSlots, TimeSpan.FromDays(7), step, WeekAlphaPerWeek);
            }
        }
    }

    private AnomalyPhase Advance(DateTimeOffset timestamp, double score)
    {
        if (!_inEvent)
        {
            if (score < _options.Threshold)
            {
                return AnomalyPhase.None;
            }

            _inEvent = true;
            _quiet = 0;
            _event = new AnomalyEvent(timestamp, score, timestamp, null);
            return AnomalyPhase.Started;
        }

        if (score > _event.PeakScore)
        {
            _event = _event with { PeakScore = score, PeakAt = timestamp };
        }

        // Hysteresis: a score above half the threshold keeps the anomaly going.
        if (score >= _options.Threshold / 2)
        {
            _quiet = 0;
            return AnomalyPhase.Continuing;
        }

        if (++_quiet < _options.QuietPeriod)
        {
            return AnomalyPhase.Continuing;
        }

        _inEvent = false;
        _event = _event with { End = timestamp };
        return AnomalyPhase.Ended;
    }
}
