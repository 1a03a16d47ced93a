using Daedalus.Anomalies;

namespace Daedalus.Tests.Anomalies;

/// <summary>
/// One generated stream metric history: the clean values (weekly pattern × log-normal noise), which of them are
/// planted historical outliers, and how to make an injected anomaly out of any run.
/// </summary>
public sealed record SyntheticSeries(MetricProfile Profile, IReadOnlyList<MetricObservation> Runs, IReadOnlySet<int> Outliers, bool Weekly, double Noise, Func<double, Random, double> Inject);
