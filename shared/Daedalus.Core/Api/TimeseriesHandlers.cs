using System.Globalization;
using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Api;

/// <summary>
/// <c>/api/v1/timeseries</c>: the series list and their points, as flat rows (time, value, labels) that
/// Grafana's Infinity/JSON data sources and scripts read directly. <c>from</c>/<c>to</c> take ISO 8601 or Unix
/// milliseconds (Grafana's <c>${__from}</c>).
/// </summary>
public static class TimeseriesHandlers
{
    public const int MaxBuckets = 10_000;

    public static async Task<IResult> ListSeries(HttpContext context, CancellationToken cancellationToken)
    {
        if (ApiQuery.RejectUnknown(context.Request, "metric") is { } problem)
        {
            return problem;
        }

        var metric = context.Request.Query["metric"].ToString();
        var series = await context.RequestServices.GetRequiredService<SeriesReader>().ListAsync(metric.Length == 0 ? null : metric, 1000, cancellationToken);
        return Results.Json(new ItemList<SeriesInfo>(series), DaedalusJson.Options);
    }

    public static async Task<IResult> Points(HttpContext context, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        if (ApiQuery.RejectUnknown(context.Request, "metric", "labels", "from", "to", "step", "aggregate") is { } unknown)
        {
            return unknown;
        }

        var errors = new Dictionary<string, string[]>();
        var metric = query["metric"].ToString();
        if (metric.Length is 0 or > 200)
        {
            errors["metric"] = ["required: a metric name (see GET /api/v1/timeseries)"];
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query["labels"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0 || !labels.TryAdd(parts[0], parts[1]))
            {
                errors["labels"] = ["comma-separated name=value pairs, each name once, e.g. currency=EUR,status=paid"];
                break;
            }
        }

        var now = DateTimeOffset.UtcNow;
        var to = Time(query["to"].ToString(), now, "to", errors);
        var from = Time(query["from"].ToString(), to.AddDays(-7), "from", errors);
        if (from >= to && !errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            errors["from"] = ["must be before 'to'"];
        }

        var stepText = query["step"].ToString();
        if (!SourceDefinitionValidator.TryParseBucket(stepText.Length == 0 ? "1h" : stepText, out var step))
        {
            errors["step"] = ["a width like 1m, 15m, 1h, 1d"];
        }
        else if ((to - from) / step > MaxBuckets)
        {
            errors["step"] = [$"too fine for this range: at most {MaxBuckets} buckets; use a larger step or a shorter range"];
        }

        var aggregate = query["aggregate"].ToString() is { Length: > 0 } a ? a : "sum";
        if (!SeriesReader.Aggregates.Contains(aggregate))
        {
            errors["aggregate"] = [$"one of {string.Join(", ", SeriesReader.Aggregates)}"];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.BadRequest(errors, "The query is invalid.");
        }

        var points = await context.RequestServices.GetRequiredService<SeriesReader>().PointsAsync(metric, labels, from, to, step, aggregate, cancellationToken);
        return Results.Json(new SeriesPoints(metric, aggregate, stepText.Length == 0 ? "1h" : stepText, from, to, points), DaedalusJson.Options);
    }

    private static DateTimeOffset Time(string text, DateTimeOffset fallback, string name, Dictionary<string, string[]> errors)
    {
        if (text.Length == 0)
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
