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
        group.MapGet("", ListSeriesAsync).WithName("ListSeries").WithSummary("Metric series (name and labels), a page at a time (?limit=1..1000, default 1000; ?after= from the previous page's next link); ?metric= filters by name")
            .AcceptsQuery([.. ApiPaging.Parameters, "metric"]).ProducesProblems(400).RequireScope(ApiScope.Read);
        group.MapGet("/points", PointsAsync).WithName("GetSeriesPoints").WithSummary("Points of a metric: labels, from, to, step, aggregate")
            .AcceptsQuery("metric", "labels", "from", "to", "step", "aggregate").ProducesProblems(400).RequireScope(ApiScope.Read);
        return group;
    }

    public static async Task<Results<Ok<ItemList<SeriesInfo>>, ProblemHttpResult>> ListSeriesAsync(HttpRequest request, TimeSeriesService series, CancellationToken cancellationToken)
    {
        var result = await series.ListSeriesAsync(ApiQuery.Text(request, "metric"), ApiQuery.Limit(request, TimeSeriesService.MaxSeries), ApiQuery.Text(request, "after"), cancellationToken);
        return result.IsOk ? TypedResults.Ok(ApiPaging.ListOf(request, result.Value)) : ApiProblems.From(result.Error);
    }

    public static async Task<Results<Ok<SeriesPoints>, ProblemHttpResult>> PointsAsync(HttpRequest request, TimeSeriesService series, CancellationToken cancellationToken)
    {
        var query = request.Query;
        var result = await series.PointsAsync(query["metric"], query["labels"], query["from"], query["to"], query["step"], query["aggregate"], cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result.Error);
    }
}
