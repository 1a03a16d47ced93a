namespace Daedalus.Anomalies;

/// <summary>
/// Judges one run metric against the stream's past runs with robust statistics: the centre is a median and the
/// spread a scaled median absolute deviation (MAD), both on a log scale, so a few wild past runs move neither.
/// Weekly seasonality: once at least three past runs fall on the same weekday over three weeks, the centre is the
/// median of that weekday's runs and the spread is pooled from every run's distance to its own weekday's median.
/// Before that, while some same-weekday runs exist, a value is flagged only when it is far both from all runs and
/// from its weekday's runs, so a quiet Saturday is not mistaken for an outage while the detector is still learning.
/// Pure: no clock, no I/O.
/// </summary>
public static class AnomalyDetector
{
    /// <summary>Fewer past runs than this: no verdict (too little to learn from).</summary>
    public const int MinimumHistory = 8;

    /// <summary>Same-weekday runs needed (over <see cref="SeasonalSpan"/>) for the weekday centre alone to decide.</summary>
    public const int SeasonalMinimum = 3;

    /// <summary>Robust standard deviations from the centre beyond which a value is an anomaly.</summary>
    public const double Threshold = 4.5;

    /// <summary>
    /// Smallest spread assumed, in log units (about 8%): a stream that has read exactly 1,000 rows every run is not
    /// anomalous at 1,001.
    /// </summary>
    public const double ScaleFloor = 0.08;

    /// <summary>Only this much recent history is used, so the usual can drift.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(56);

    /// <summary>At most this many recent runs are used (frequent schedules).</summary>
    public const int MaxHistory = 2000;

    public static readonly TimeSpan SeasonalSpan = TimeSpan.FromDays(21);

    private const double MadToSigma = 1.4826;

    /// <summary>
    /// The verdict on <paramref name="current"/> given the stream's earlier runs (any order; later ones are ignored),
    /// or null when there are fewer than <see cref="MinimumHistory"/> usable past runs.
    /// </summary>
    public static AnomalyVerdict? Assess(MetricProfile profile, IReadOnlyList<MetricObservation> history, MetricObservation current, double threshold = Threshold)
    {
        var past = history
            .Where(h => h.At < current.At && h.At >= current.At - Window && double.IsFinite(h.Value))
            .OrderByDescending(h => h.At)
            .Take(MaxHistory)
            .ToList();
        if (past.Count < MinimumHistory || !double.IsFinite(current.Value))
        {
            return null;
        }

        var y = profile.Transform(current.Value);
        var all = past.Select(p => profile.Transform(p.Value)).ToArray();
        var globalCentre = Median(all);
        var globalScale = Math.Max(ScaleFloor, MadToSigma * Median(all.Select(v => Math.Abs(v - globalCentre)).ToArray()));
        var globalScore = (y - globalCentre) / globalScale;

        var weekday = current.At.UtcDateTime.DayOfWeek;
        var groups = past.GroupBy(p => p.At.UtcDateTime.DayOfWeek).ToDictionary(g => g.Key, g => g.Select(p => profile.Transform(p.Value)).ToArray());
        var centre = globalCentre;
        var scale = globalScale;
        var score = globalScore;
        var seasonal = false;
        if (groups.TryGetValue(weekday, out var same))
        {
            var seasonalCentre = Median(same);
            var seasonalScale = PooledScale(groups) ?? globalScale;
            var seasonalScore = (y - seasonalCentre) / seasonalScale;
            var span = current.At - past[^1].At;
            if (same.Length >= SeasonalMinimum && span >= SeasonalSpan)
            {
                (centre, scale, score, seasonal) = (seasonalCentre, seasonalScale, seasonalScore, true);
            }
            else if (Math.Abs(seasonalScore) < Math.Abs(globalScore))
            {
                // Still learning the week: the weaker of the two judgements decides.
                (centre, scale, score, seasonal) = (seasonalCentre, seasonalScale, seasonalScore, true);
            }
        }

        var isAnomaly = profile.UpOnly ? score > threshold : Math.Abs(score) > threshold;
        return new AnomalyVerdict(
            profile.Name,
            current.Value,
            profile.Inverse(centre),
            profile.Inverse(centre - (threshold * scale)),
            profile.Inverse(centre + (threshold * scale)),
            Math.Round(score, 3),
            isAnomaly,
            past.Count,
            seasonal);
    }

    /// <summary>
    /// The spread of every run around its own weekday's median, from weekdays with two or more runs. A median of n
    /// values sits closer to them than the true centre does, so distances are widened by sqrt(n / (n - 1)).
    /// </summary>
    private static double? PooledScale(Dictionary<DayOfWeek, double[]> groups)
    {
        var residuals = new List<double>();
        foreach (var values in groups.Values.Where(v => v.Length >= 2))
        {
            var median = Median(values);
            var widen = Math.Sqrt(values.Length / (values.Length - 1.0));
            residuals.AddRange(values.Select(v => Math.Abs(v - median) * widen));
        }

        return residuals.Count < MinimumHistory ? null : Math.Max(ScaleFloor, MadToSigma * Median([.. residuals]));
    }

    internal static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
