using Daedalus.Anomalies;

namespace Daedalus.Tests.Anomalies;

/// <summary>
/// Generates run histories for the anomaly detector from a seed: per stream a level, an optional weekly pattern
/// (quiet weekends), log-normal noise of 5–25%, 2% historical outliers (2–3× off), and for each metric the kind
/// of departure the detector exists for (docs/alerting.md lists them).
/// </summary>
public static class SyntheticHistory
{
    public static SyntheticSeries Generate(Random random, int weeks)
    {
        var profile = MetricProfile.All[random.Next(MetricProfile.All.Count)];
        var perDay = random.NextDouble() < 0.25 ? 4 : 1;
        var weekly = random.NextDouble() < 0.5;
        var weekdayFactor = Enumerable.Range(0, 7).Select(d => weekly && (d == 0 || d == 6) ? Uniform(random, 0.2, 0.6) : Uniform(random, 0.9, 1.1)).ToArray();
        var noise = Uniform(random, 0.05, 0.25);
        double level;
        Func<double, Random, double> inject;
        var zeroQuarantine = false;
        switch (profile.Name)
        {
            case "rows":
                level = Math.Exp(Uniform(random, Math.Log(100), Math.Log(1_000_000)));
                inject = (v, r) => r.NextDouble() < 0.5 ? v * Uniform(r, 0, 0.15) : v * Uniform(r, 6, 20);
                break;
            case "change_rate":
                level = Uniform(random, 0.005, 0.03);
                inject = (v, r) => r.NextDouble() < 0.75 ? Math.Min(1, v * Uniform(r, 10, 60)) : v * Uniform(r, 0, 0.05);
                break;
            case "quarantine_rate":
                zeroQuarantine = random.NextDouble() < 0.5;
                level = Uniform(random, 0.0005, 0.003);
                weekdayFactor = Enumerable.Repeat(1.0, 7).ToArray();
                inject = (v, r) => Math.Min(1, v + Uniform(r, 0.02, 0.3));
                break;
            default:
                level = Uniform(random, 5, 600);
                inject = (v, r) => v * Uniform(r, 4, 12);
                break;
        }

        var start = new DateTimeOffset(2026, 1, 5, random.Next(24), random.Next(60), 0, TimeSpan.Zero);
        var runs = new List<MetricObservation>();
        var outliers = new HashSet<int>();
        for (var i = 0; i < weeks * 7 * perDay; i++)
        {
            var at = start + TimeSpan.FromHours(24.0 / perDay * i) + TimeSpan.FromMinutes(random.Next(-20, 20));
            var value = level * weekdayFactor[(int)at.DayOfWeek] * Math.Exp(noise * Gaussian(random));
            if (random.NextDouble() < 0.02)
            {
                outliers.Add(i);
                value *= Math.Exp((random.NextDouble() < 0.5 ? -1 : 1) * Uniform(random, Math.Log(2), Math.Log(3)));
            }

            if (zeroQuarantine)
            {
                value = 0;
            }

            runs.Add(new MetricObservation(at, profile == MetricProfile.QuarantineRate ? Math.Min(1, value) : value));
        }

        return new SyntheticSeries(profile, runs, outliers, weekly, noise, inject);
    }

    private static double Uniform(Random random, double low, double high) => low + (random.NextDouble() * (high - low));

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
