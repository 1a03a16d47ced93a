using System.Globalization;
using System.Text;
using Daedalus.Anomalies;
using Xunit.Abstractions;

namespace Daedalus.Tests.Anomalies;

/// <summary>
/// The detector on generated histories (seed 20260516): every clean run after the first
/// <see cref="AnomalyDetector.MinimumHistory"/> is judged against the runs before it (false alarms), and about one
/// run in eight is also judged with an anomaly injected in its place (recall). Planted historical outliers are
/// neither. The figures printed here are the ones in docs/alerting.md.
/// </summary>
public sealed class AnomalyDetectorTests
{
    private const int Seed = 20260516;
    private readonly ITestOutputHelper _output;

    public AnomalyDetectorTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Flags_at_least_90_percent_of_injected_anomalies_with_at_most_5_percent_false_alarms()
    {
        var random = new Random(Seed);
        var tally = new Dictionary<string, (int Clean, int FalseAlarms, int Injected, int Caught)>();
        void Count(string key, bool clean, bool flagged)
        {
            var t = tally.GetValueOrDefault(key);
            tally[key] = clean ? (t.Clean + 1, t.FalseAlarms + (flagged ? 1 : 0), t.Injected, t.Caught) : (t.Clean, t.FalseAlarms, t.Injected + 1, t.Caught + (flagged ? 1 : 0));
        }

        for (var s = 0; s < 400; s++)
        {
            var series = SyntheticHistory.Generate(random, weeks: 8);
            for (var i = AnomalyDetector.MinimumHistory; i < series.Runs.Count; i++)
            {
                if (series.Outliers.Contains(i))
                {
                    continue;
                }

                var history = series.Runs.Take(i).ToList();
                var current = series.Runs[i];
                var learning = current.At - series.Runs[0].At < AnomalyDetector.SeasonalSpan ? "learning (< 3 weeks)" : "after 3 weeks";
                var clean = AnomalyDetector.Assess(series.Profile, history, current)!;
                foreach (var key in new[] { "all", series.Profile.Name, learning, series.Weekly ? "weekly pattern" : "no weekly pattern" })
                {
                    Count(key, clean: true, clean.IsAnomaly);
                }

                if (random.Next(8) == 0)
                {
                    var injected = AnomalyDetector.Assess(series.Profile, history, current with { Value = series.Inject(current.Value, random) })!;
                    foreach (var key in new[] { "all", series.Profile.Name, learning, series.Weekly ? "weekly pattern" : "no weekly pattern" })
                    {
                        Count(key, clean: false, injected.IsAnomaly);
                    }
                }
            }
        }

        var report = new StringBuilder("| runs | clean judged | false alarms | anomalies injected | flagged |\n|---|---:|---:|---:|---:|\n");
        foreach (var (key, t) in tally.OrderBy(k => k.Key == "all" ? "" : k.Key, StringComparer.Ordinal))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {t.Clean} | {t.FalseAlarms} ({100.0 * t.FalseAlarms / t.Clean:0.00}%) | {t.Injected} | {t.Caught} ({100.0 * t.Caught / t.Injected:0.0}%) |");
        }

        _output.WriteLine(report.ToString());
        var all = tally["all"];
        Assert.True(all.Caught >= 0.90 * all.Injected, $"recall {all.Caught}/{all.Injected}");
        Assert.True(all.FalseAlarms <= 0.05 * all.Clean, $"false alarms {all.FalseAlarms}/{all.Clean}");
        foreach (var metric in MetricProfile.All)
        {
            var t = tally[metric.Name];
            Assert.True(t.Caught >= 0.90 * t.Injected, $"{metric.Name}: recall {t.Caught}/{t.Injected}");
            Assert.True(t.FalseAlarms <= 0.05 * t.Clean, $"{metric.Name}: false alarms {t.FalseAlarms}/{t.Clean}");
        }
    }
    [Fact]
    public void A_quiet_weekend_is_usual_and_a_weekday_sized_saturday_is_not_once_three_weeks_are_known()
    {
        // Weekdays read 1,000 rows, weekends 300, with a little noise; four weeks of daily runs.
        var random = new Random(Seed);
        var start = new DateTimeOffset(2026, 3, 2, 6, 0, 0, TimeSpan.Zero); // a Monday
        var history = Enumerable.Range(0, 28)
            .Select(d => start.AddDays(d))
            .Select(at => new MetricObservation(at, (at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 300 : 1000) * (1 + ((random.NextDouble() - 0.5) * 0.1))))
            .ToList();
        var saturday = start.AddDays(33);
        Assert.Equal(DayOfWeek.Saturday, saturday.DayOfWeek);

        var quiet = AnomalyDetector.Assess(MetricProfile.Rows, history, new MetricObservation(saturday, 310))!;
        var busy = AnomalyDetector.Assess(MetricProfile.Rows, history, new MetricObservation(saturday, 1000))!;
        var tenth = AnomalyDetector.Assess(MetricProfile.Rows, history, new MetricObservation(start.AddDays(30), 100))!;

        Assert.False(quiet.IsAnomaly);
        Assert.True(quiet.Seasonal);
        Assert.True(busy.IsAnomaly, $"a Saturday as busy as a weekday scores {busy.Score}");
        Assert.True(tenth.IsAnomaly, "a tenth of the usual rows on a Wednesday");
        Assert.InRange(tenth.Expected, 950, 1050);
    }

    [Fact]
    public void Gives_no_verdict_before_enough_history_and_ignores_later_runs()
    {
        var at = new DateTimeOffset(2026, 3, 2, 6, 0, 0, TimeSpan.Zero);
        var seven = Enumerable.Range(1, 7).Select(d => new MetricObservation(at.AddDays(-d), 1000)).ToList();
        var later = Enumerable.Range(1, 20).Select(d => new MetricObservation(at.AddDays(d), 1000)).ToList();

        Assert.Null(AnomalyDetector.Assess(MetricProfile.Rows, [.. seven, .. later], new MetricObservation(at, 10)));
        Assert.True(AnomalyDetector.Assess(MetricProfile.Rows, [.. seven, new MetricObservation(at.AddDays(-8), 1000)], new MetricObservation(at, 10))!.IsAnomaly);
    }

    [Fact]
    public void A_faster_run_or_fewer_quarantined_rows_is_not_an_anomaly()
    {
        var at = new DateTimeOffset(2026, 3, 2, 6, 0, 0, TimeSpan.Zero);
        var history = Enumerable.Range(1, 10).Select(d => new MetricObservation(at.AddDays(-d), 100)).ToList();

        Assert.False(AnomalyDetector.Assess(MetricProfile.DurationSeconds, history, new MetricObservation(at, 5))!.IsAnomaly);
        Assert.True(AnomalyDetector.Assess(MetricProfile.DurationSeconds, history, new MetricObservation(at, 500))!.IsAnomaly);
        Assert.True(AnomalyDetector.Assess(MetricProfile.Rows, history, new MetricObservation(at, 5))!.IsAnomaly);
    }
}
