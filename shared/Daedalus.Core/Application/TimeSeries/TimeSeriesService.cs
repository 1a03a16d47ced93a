using System.Globalization;
using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Metrics;

namespace Daedalus.Application.TimeSeries;

/// <summary>
/// The metric layer read back: series (name and labels) and their points re-bucketed to a step, as flat rows that
/// Grafana's Infinity/JSON data sources and scripts read directly. Times take ISO 8601 or Unix milliseconds
/// (Grafana's <c>${__from}</c>).
/// </summary>
public sealed class TimeSeriesService
{
    public const int MaxBuckets = 10_000;
    public const int MaxSeries = 1000;
    public const string DefaultStep = "1h";

    private readonly SeriesReader _reader;
    private readonly TimeProvider _clock;

    public TimeSeriesService(SeriesReader reader, TimeProvider clock)
    {
        _reader = reader;
        _clock = clock;
    }

    /// <summary>
    /// A page of the series (by name, then labels), <paramref name="limit"/> from 1 to <see cref="MaxSeries"/>,
    /// those after series id <paramref name="after"/> (the previous page's <c>after</c>) when given.
    /// </summary>
    public async Task<ServiceResult<Page<SeriesInfo>>> ListSeriesAsync(string? metric, int limit, string? after, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxSeries)
        {
            return ServiceError.BadInput("limit", $"must be a whole number from 1 to {MaxSeries}");
        }

        long? afterSeries = null;
        if (after is not null)
        {
            if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return ServiceError.BadInput("after", "must be a series id (the previous page's next link carries it)");
            }

            afterSeries = id;
        }

        var series = await _reader.ListAsync(string.IsNullOrEmpty(metric) ? null : metric, limit + 1, cancellationToken, afterSeries);
        return Pages.Of(series, limit, s => s.Id.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Points of <paramref name="metric"/>. <paramref name="labels"/> is <c>name=value,name=value</c>; <paramref name="from"/>
    /// and <paramref name="to"/> default to the last 7 days; <paramref name="step"/> a width like 15m (default 1h), at most
    /// <see cref="MaxBuckets"/> buckets; <paramref name="aggregate"/> one of <see cref="SeriesAggregates.Names"/> (default sum).
    /// BadInput naming each wrong parameter.
    /// </summary>
    public async Task<ServiceResult<SeriesPoints>> PointsAsync(
        string? metric, string? labels, string? from, string? to, string? step, string? aggregate, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        metric ??= "";
        if (metric.Length is 0 or > 200)
        {
            errors["metric"] = ["required: a metric name (see GET /api/v1/timeseries)"];
        }

        var labelFilter = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0 || !labelFilter.TryAdd(parts[0], parts[1]))
            {
                errors["labels"] = ["comma-separated name=value pairs, each name once, e.g. currency=EUR,status=paid"];
                break;
            }
        }

        var end = Time(to, _clock.GetUtcNow(), "to", errors);
        // The default range is the 7 days before 'to', or what there is of them in the first week of year 1.
        var start = Time(from, end - DateTimeOffset.MinValue > TimeSpan.FromDays(7) ? end.AddDays(-7) : DateTimeOffset.MinValue, "from", errors);
        if (start >= end && !errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            errors["from"] = ["must be before 'to'"];
        }

        var stepText = string.IsNullOrEmpty(step) ? DefaultStep : step;
        if (!SourceDefinitionValidator.TryParseBucket(stepText, out var width))
        {
            errors["step"] = ["a width like 1m, 15m, 1h, 1d"];
        }
        else if ((end - start) / width > MaxBuckets)
        {
            errors["step"] = [$"too fine for this range: at most {MaxBuckets} buckets; use a larger step or a shorter range"];
        }

        SeriesAggregate kind = SeriesAggregate.Sum;
        if (!string.IsNullOrEmpty(aggregate) && !SeriesAggregates.TryParse(aggregate, out kind))
        {
            errors["aggregate"] = [$"one of {string.Join(", ", SeriesAggregates.Names)}"];
        }

        if (errors.Count > 0)
        {
            return ServiceError.BadInput(errors, "The query is invalid.");
        }

        var points = await _reader.PointsAsync(metric, labelFilter, start, end, width, kind, cancellationToken);
        return new SeriesPoints(metric, SeriesAggregates.Name(kind), stepText, start, end, points);
    }

    private static DateTimeOffset Time(string? text, DateTimeOffset fallback, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms < 253402300799999)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        errors[name] = ["an ISO 8601 time (2025-01-31T00:00:00Z) or Unix milliseconds"];
        return fallback;
    }
}
