using Daedalus.Application.TimeSeries;
using Daedalus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary><c>/api/v1/timeseries</c>: metric series and their points (<see cref="TimeSeriesService"/>).</summary>
public static class TimeSeriesEndpoints
{
    public static RouteGroupBuilder MapTimeSeriesEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/timeseries").WithTags("Time series");
        group.MapGet("", ListSeriesAsync).WithName("ListSeries").WithSummary("Metric series (name and labels); ?metric= filters by name")
            .ProducesProblems(400).RequireScope(ApiScope.Read);
        group.MapGet("/points", PointsAsync).WithName("GetSeriesPoints").WithSummary("Points of a metric: labels, from, to, step, aggregate")
            .ProducesProblems(400).RequireScope(ApiScope.Read);
        return group;
    }

    public static async Task<Results<Ok<ItemList<SeriesInfo>>, ProblemHttpResult>> ListSeriesAsync(HttpRequest request, TimeSeriesService series, CancellationToken cancellationToken)
    {
        if (ApiQuery.RejectUnknown(request, "metric") is { } unknown)
        {
            return unknown;
        }

        return TypedResults.Ok(new ItemList<SeriesInfo>(await series.ListSeriesAsync(request.Query["metric"].ToString(), cancellationToken)));
    }

    public static async Task<Results<Ok<SeriesPoints>, ProblemHttpResult>> PointsAsync(HttpRequest request, TimeSeriesService series, CancellationToken cancellationToken)
    {
        if (ApiQuery.RejectUnknown(request, "metric", "labels", "from", "to", "step", "aggregate") is { } unknown)
        {
            return unknown;
        }

        var query = request.Query;
        var result = await series.PointsAsync(query["metric"], query["labels"], query["from"], query["to"], query["step"], query["aggregate"], cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result.Error);
    }
}
