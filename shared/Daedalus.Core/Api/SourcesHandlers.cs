using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Api;

/// <summary><c>/api/v1/sources</c>: list, get, create, replace, patch, delete. Validation is the YAML's.</summary>
public static class SourcesHandlers
{
    public static async Task<IResult> List(HttpContext context, CancellationToken cancellationToken)
    {
        var sources = await Catalog(context).ListAsync(cancellationToken);
        return Results.Json(new ItemList<SourceSpec>(sources.Select(SourceSpecMapper.ToSpec).ToList()), DaedalusJson.Options);
    }

    public static async Task<IResult> Get(HttpContext context, string name, CancellationToken cancellationToken)
    {
        var source = await Catalog(context).GetAsync(name, cancellationToken);
        return source is null ? NotFound(name) : Results.Json(SourceSpecMapper.ToSpec(source), DaedalusJson.Options);
    }

    public static async Task<IResult> Create(HttpContext context, CancellationToken cancellationToken)
    {
        var (spec, problem) = await ApiRequestBody.ReadAsync<SourceSpec>(context, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(spec!.Name))
        {
            return ApiProblems.Invalid(new Dictionary<string, string[]> { ["$.name"] = ["required"] });
        }

        var (source, invalid) = Validate(context, spec, spec.Name);
        if (invalid is not null)
        {
            return invalid;
        }

        if (!await Catalog(context).CreateAsync(source!, ApiAuthorization.Actor(context), cancellationToken))
        {
            return ApiProblems.Conflict($"A source named '{source!.Name}' exists already; replace it with PUT {ApiPaths.Source(source.Name)}.");
        }

        var result = Results.Json(SourceSpecMapper.ToSpec(source!), DaedalusJson.Options, statusCode: StatusCodes.Status201Created);
        return WithLocation(context.Response.Headers, ApiPaths.Source(source!.Name), result);
    }

    public static async Task<IResult> Replace(HttpContext context, string name, CancellationToken cancellationToken)
    {
        var (spec, problem) = await ApiRequestBody.ReadAsync<SourceSpec>(context, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (spec!.Name is { } bodyName && bodyName != name)
        {
            return ApiProblems.Invalid(new Dictionary<string, string[]> { ["$.name"] = [$"must match the name in the URL ('{name}') or be omitted; to rename, create the new source and delete the old one"] });
        }

        var (source, invalid) = Validate(context, spec, name);
        if (invalid is not null)
        {
            return invalid;
        }

        var created = await Catalog(context).UpsertAsync(source!, ApiAuthorization.Actor(context), cancellationToken);
        var result = Results.Json(SourceSpecMapper.ToSpec(source!), DaedalusJson.Options, statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        return created ? WithLocation(context.Response.Headers, ApiPaths.Source(name), result) : result;
    }

    /// <summary>Enable, disable or reschedule without resending the whole source.</summary>
    public static async Task<IResult> Patch(HttpContext context, string name, CancellationToken cancellationToken)
    {
        var (patch, problem) = await ApiRequestBody.ReadAsync<SourcePatch>(context, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var catalog = Catalog(context);
        var source = await catalog.GetAsync(name, cancellationToken);
        if (source is null)
        {
            return NotFound(name);
        }

        source.Enabled = patch!.Enabled ?? source.Enabled;
        source.Schedule = patch.Schedule ?? source.Schedule;
        var errors = context.RequestServices.GetRequiredService<SourceDefinitionValidator>().Validate(source, "$");
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(Group(errors));
        }

        await catalog.UpsertAsync(source, ApiAuthorization.Actor(context), cancellationToken);
        return Results.Json(SourceSpecMapper.ToSpec(source), DaedalusJson.Options);
    }

    public static async Task<IResult> Delete(HttpContext context, string name, CancellationToken cancellationToken) =>
        await Catalog(context).DeleteAsync(name, ApiAuthorization.Actor(context), cancellationToken) ? Results.NoContent() : NotFound(name);

    internal static IResult NotFound(string name) => ApiProblems.NotFound($"There is no source named '{Printable(name)}'.");

    /// <summary>Names from a URL may be anything; echo them only when short and printable.</summary>
    internal static string Printable(string text) =>
        text.Length <= 64 && text.All(c => c >= ' ' && c < 0x7f) ? text : "(unprintable name)";

    internal static IDictionary<string, string[]> Group(IEnumerable<ConfigError> errors) =>
        errors.GroupBy(e => e.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).Distinct(StringComparer.Ordinal).ToArray());

    private static (SourceDefinition? Source, IResult? Problem) Validate(HttpContext context, SourceSpec spec, string name)
    {
        var errors = new List<ConfigError>();
        var source = SourceSpecMapper.ToDefinition(spec, name, errors);
        errors.AddRange(context.RequestServices.GetRequiredService<SourceDefinitionValidator>().Validate(source, "$")
            .Select(e => e.Path == "$" && e.Message.StartsWith("source name", StringComparison.Ordinal) ? e with { Path = "$.name" } : e));
        return errors.Count > 0 ? (null, ApiProblems.Invalid(Group(errors))) : (source, null);
    }

    private static IResult WithLocation(IHeaderDictionary headers, string location, IResult result)
    {
        headers.Location = location;
        return result;
    }

    private static SourceCatalog Catalog(HttpContext context) => context.RequestServices.GetRequiredService<SourceCatalog>();
}
