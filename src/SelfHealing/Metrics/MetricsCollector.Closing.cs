using SelfHealing.Metrics.Analysis;
using SelfHealing.Metrics.Storage;
using SelfHealing.Telemetry;

namespace SelfHealing.Metrics;

public sealed partial class MetricsCollector
{
    // Called by the bucket clock when a bucket has ended, before writers move on to the new one. Bucket E - 2
    // is closed when bucket E begins, so writers that read the cursor just before the boundary have a whole
    // bucket to finish; a step's sketch is closed one bucket after the step ends, for the same reason.
    private bool OnBucketEnded(long previous)
    {
        try
        {
            _listener?.RecordObservables();
            _process?.Sample();
            long now = _clock.ExactEpoch;
            long lastBucket = Math.Min(now - 2, previous);
            long lastStep = Math.Min(((now - 1) / _layout.StepBuckets) - 1, _layout.StepOf(previous));
            Close(lastBucket, lastStep, advance: true);
        }
#pragma warning disable CA1031 // A timer callback must not throw: the failure is logged and the next bucket tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCloseFailed(_logger, ex);
        }

        return true; // the collector's clock never sleeps: buckets close on time even when nothing is recorded
    }

    /// <summary>Moves everything live into history (at stop), leaving the close marks where they are so later values still count.</summary>
    private void Flush()
    {
        long current = _clock.ExactEpoch;
        Close(current, _layout.StepOf(current), advance: false);
    }

    private void Close(long lastBucket, long lastStep, bool advance)
    {
        List<(MetricSeries Series, long Epoch, AnomalyScore Anomaly)>? anomalies = null;
        lock (_closeGate)
        {
            MetricSeries[] all = Volatile.Read(ref _series);
            Interlocked.Increment(ref _version); // odd: readers wait and retry
            try
            {
                long firstBucket = Math.Max(_closedThrough + 1, lastBucket - (SeriesLayout.LiveBuckets - 1));
                for (long epoch = firstBucket; epoch <= lastBucket; epoch++)
                {
                    foreach (MetricSeries series in all)
                    {
                        BucketTotals totals = series.CloseBucket(epoch);
                        if (advance && _options.DetectAnomalies && Detect(series, epoch, totals) is { } anomaly)
                        {
                            (anomalies ??= []).Add((series, epoch, anomaly));
                        }
                    }
                }

                long firstStep = Math.Max(_closedThroughStep + 1, lastStep - (SeriesLayout.LiveSketches - 1));
                for (long step = firstStep; step <= lastStep; step++)
                {
                    foreach (MetricSeries series in all)
                    {
                        series.CloseStep(step, _encoder);
                    }
                }

                if (advance)
                {
                    _closedThrough = Math.Max(_closedThrough, lastBucket);
                    _closedThroughStep = Math.Max(_closedThroughStep, lastStep);
                }
            }
            finally
            {
                Interlocked.Increment(ref _version);
            }
        }

        if (anomalies is not null)
        {
            Report(anomalies);
        }
    }

    /// <summary>Feeds the bucket's value to the series' detector; the result when an anomaly starts or ends.</summary>
    private AnomalyScore? Detect(MetricSeries series, long epoch, in BucketTotals totals)
    {
        double value;
        if (series.Metric.Type == MetricType.Counter)
        {
            if (!totals.HasData && !series.Started)
            {
                return null;
            }

            value = totals.HasData ? totals.Sum : 0;
        }
        else
        {
            if (totals.Count == 0)
            {
                return null;
            }

            value = totals.Sum / totals.Count;
        }

        series.Started = true;
        series.Detector ??= new AnomalyDetector(_options.Anomalies);
        AnomalyScore score = series.Detector.Observe(StartOf(epoch), value);
        return score.Phase is AnomalyPhase.Started or AnomalyPhase.Ended ? score : null;
    }

    private void Report(List<(MetricSeries Series, long Epoch, AnomalyScore Anomaly)> anomalies)
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach ((MetricSeries series, long epoch, AnomalyScore anomaly) in anomalies)
        {
            Metric metric = series.Metric;
            AnomalyEvent anomalyEvent = series.Detector!.LastEvent.GetValueOrDefault();
            if (anomaly.Phase == AnomalyPhase.Ended)
            {
                LogAnomalyEnded(_logger, metric.Name, series.Tags, anomalyEvent.Start, anomalyEvent.PeakScore);
                _hub?.Publish(new AnomalyEnded(EventSource, now, metric.Name, series.Tags, metric.Type, anomalyEvent));
                continue;
            }

            LogAnomaly(_logger, metric.Name, series.Tags, anomaly.Value, anomaly.Expected, anomaly.Score);
            if (_instrumentation.MetricAnomalies.Enabled)
            {
                _instrumentation.MetricAnomalies.Add(1, new KeyValuePair<string, object?>(SelfHealingMeter.MetricNameTag, metric.Name));
            }

            _hub?.Publish(new AnomalyDetected(EventSource, now, metric.Name, series.Tags, metric.Type, StartOf(epoch), anomaly.Score, anomaly.Value, anomaly.Expected));
        }
    }
}
