using Daedalus.Application.SourceProbes;
using Daedalus.Application.Sources;
using Daedalus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary>
/// <c>/api/v1/sources</c>: list, get, create, replace, patch, delete (<see cref="SourceService"/>). Single-source answers
/// carry the version as an ETag; PUT, PATCH and DELETE honour If-Match (412 when stale).
/// </summary>
public static class SourcesEndpoints
{
    public static RouteGroupBuilder MapSourcesEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/sources").WithTags("Sources");
        group.MapGet("", ListAsync).WithName("ListSources").WithSummary("List sources").RequireScope(ApiScope.Read);
        group.MapGet("/{name}", GetAsync).WithName("GetSource").WithSummary("Get a source (its ETag is the version)")
            .ProducesProblem(StatusCodes.Status404NotFound).RequireScope(ApiScope.Read);
        group.MapPost("", CreateAsync).WithName("CreateSource").WithSummary("Create a source")
            .Accepts<SourceSpec>("application/json")
            .ProducesProblems(400, 409, 413, 415, 422).RequireScope(ApiScope.Write);
        group.MapPut("/{name}", ReplaceAsync).WithName("ReplaceSource").WithSummary("Create or replace a source (If-Match: only that version)")
            .Accepts<SourceSpec>("application/json")
            .ProducesProblems(400, 412, 413, 415, 422).RequireScope(ApiScope.Write);
        group.MapPatch("/{name}", PatchAsync).WithName("PatchSource").WithSummary("Enable, disable or reschedule a source (atomic; If-Match: only that version)")
            .Accepts<SourcePatch>("application/json")
            .ProducesProblems(400, 404, 412, 413, 415, 422).RequireScope(ApiScope.Write);
        group.MapDelete("/{name}", DeleteAsync).WithName("DeleteSource").WithSummary("Delete a source (its data and history stay; If-Match: only that version)")
            .ProducesProblems(404, 412).RequireScope(ApiScope.Write);
        group.MapPost("/{name}/check", CheckAsync).WithName("CheckSource")
            .WithSummary("Reach each stream with the configured credentials, loading nothing (422 when the plugin cannot check)")
            .ProducesProblems(404, 422).RequireScope(ApiScope.Write);
        group.MapGet("/{name}/discover", DiscoverAsync).WithName("DiscoverSource")
            .WithSummary("The streams and columns the source offers now (422 when the plugin cannot discover, 503 when the source refuses)")
            .ProducesProblems(404, 422, 503).RequireScope(ApiScope.Write);
        return group;
    }

    public static async Task<Ok<ItemList<SourceSpec>>> ListAsync(SourceService sources, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ItemList<SourceSpec>(await sources.ListAsync(cancellationToken)));

    public static async Task<Results<Ok<SourceSpec>, ProblemHttpResult>> GetAsync(string name, SourceService sources, HttpResponse response, CancellationToken cancellationToken)
    {
        var result = await sources.GetAsync(name, cancellationToken);
        return result.IsOk ? Versioned(response, result.Value) : ApiProblems.From(result.Error);
    }

    public static async Task<Results<Created<SourceSpec>, ProblemHttpResult>> CreateAsync(
        JsonBody<SourceSpec> body, ApiCaller caller, SourceService sources, HttpResponse response, CancellationToken cancellationToken)
    {
        if (body.Required() is { } unreadable)
        {
            return unreadable;
        }

        var result = await sources.CreateAsync(body.Value!, caller.Actor, cancellationToken);
        if (!result.IsOk)
        {
            return ApiProblems.From(result.Error);
        }

        response.Headers.ETag = result.Value.ETag;
        return TypedResults.Created(ApiPaths.Source(result.Value.Spec.Name!), result.Value.Spec);
    }

    public static async Task<Results<Ok<SourceSpec>, Created<SourceSpec>, ProblemHttpResult>> ReplaceAsync(
        string name, JsonBody<SourceSpec> body, [FromHeader(Name = "If-Match")] string? ifMatch, ApiCaller caller, SourceService sources, HttpResponse response, CancellationToken cancellationToken)
    {
        if (body.Required() is { } unreadable)
        {
            return unreadable;
        }

        var result = await sources.ReplaceAsync(name, body.Value!, SourcePrecondition.FromIfMatch(ifMatch), caller.Actor, cancellationToken);
        if (!result.IsOk)
        {
            return ApiProblems.From(result.Error);
        }

        if (result.Value.Created)
        {
            response.Headers.ETag = result.Value.ETag;
            return TypedResults.Created(ApiPaths.Source(name), result.Value.Spec);
        }

        return Versioned(response, result.Value);
    }

    public static async Task<Results<Ok<SourceSpec>, ProblemHttpResult>> PatchAsync(
        string name, JsonBody<SourcePatch> body, [FromHeader(Name = "If-Match")] string? ifMatch, ApiCaller caller, SourceService sources, HttpResponse response, CancellationToken cancellationToken)
    {
        if (body.Required() is { } unreadable)
        {
            return unreadable;
        }

        var result = await sources.PatchAsync(name, body.Value!, SourcePrecondition.FromIfMatch(ifMatch), caller.Actor, cancellationToken);
        return result.IsOk ? Versioned(response, result.Value) : ApiProblems.From(result.Error);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, [FromHeader(Name = "If-Match")] string? ifMatch, ApiCaller caller, SourceService sources, CancellationToken cancellationToken)
    {
        var result = await sources.DeleteAsync(name, SourcePrecondition.FromIfMatch(ifMatch), caller.Actor, cancellationToken);
        return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result.Error);
    }

    private static Ok<SourceSpec> Versioned(HttpResponse response, VersionedSource source)
    {
        response.Headers.ETag = source.ETag;
        return TypedResults.Ok(source.Spec);
    }

    public static async Task<Results<Ok<SourceCheckReport>, ProblemHttpResult>> CheckAsync(string name, SourceProbeService probes, CancellationToken cancellationToken)
    {
        var result = await probes.CheckAsync(name, cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result.Error);
    }

    public static async Task<Results<Ok<SourceDiscoveryReport>, ProblemHttpResult>> DiscoverAsync(string name, SourceProbeService probes, CancellationToken cancellationToken)
    {
        var result = await probes.DiscoverAsync(name, cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result.Error);
    }
}
