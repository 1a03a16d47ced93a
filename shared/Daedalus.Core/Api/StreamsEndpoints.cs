using Daedalus.Application.Streams;
using Daedalus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary><c>/api/v1/sources/{name}/streams/{stream}/reset</c>: forget a cursor so the next pull is a full resync (<see cref="StreamService"/>).</summary>
public static class StreamsEndpoints
{
    public static RouteGroupBuilder MapStreamsEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/sources/{name}/streams").WithTags("Streams");
        group.MapPost("/{stream}/reset", ResetAsync).WithName("ResetStream").WithSummary("Forget a stream's cursor: the next pull is a full resync (audited)")
            .ProducesProblems(404, 409).RequireScope(ApiScope.Write);
        return group;
    }

    public static async Task<Results<Ok<CursorReset>, ProblemHttpResult>> ResetAsync(string name, string stream, ApiCaller caller, StreamService streams, CancellationToken cancellationToken)
    {
        var result = await streams.ResetAsync(name, stream, caller.Actor, cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result.Error);
    }
}
