using Daedalus.Application.Catalog;
using Daedalus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary><c>/api/v1/catalog</c>: the target tables Daedalus loads, read-only (<see cref="CatalogService"/>).</summary>
public static class CatalogEndpoints
{
    public static RouteGroupBuilder MapCatalogEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/catalog").WithTags("Catalog");
        group.MapGet("", ListAsync).WithName("ListCatalogTables")
            .WithSummary("Every target table: source and stream, columns and PostgreSQL types, protected columns, row count (estimated for big tables), last load, freshness")
            .RequireScope(ApiScope.Read);
        group.MapGet("/{schema}/{table}", GetAsync).WithName("GetCatalogTable").WithSummary("One target table")
            .ProducesProblems(404).RequireScope(ApiScope.Read);
        return group;
    }

    public static async Task<Ok<ItemList<CatalogTable>>> ListAsync(CatalogService catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ItemList<CatalogTable>(await catalog.ListAsync(cancellationToken)));

    public static async Task<Results<Ok<CatalogTable>, ProblemHttpResult>> GetAsync(string schema, string table, CatalogService catalog, CancellationToken cancellationToken)
    {
        var result = await catalog.GetAsync(schema, table, cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result.Error);
    }
}
