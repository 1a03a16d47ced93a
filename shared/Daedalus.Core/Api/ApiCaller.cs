using Microsoft.AspNetCore.Http;

namespace Daedalus.Api;

/// <summary>Who made the request, for the audit log (<c>api:key:&lt;id&gt;</c>, <c>api:functionkey</c>, <c>api:anonymous</c>); an endpoint parameter.</summary>
public sealed class ApiCaller
{
    private readonly HttpContext _context;

    private ApiCaller(HttpContext context)
    {
        _context = context;
    }

    /// <summary>
    /// Read when the handler runs: parameters are bound before endpoint filters, and the authorization filter is what
    /// records the actor.
    /// </summary>
    public string Actor => ApiAuthorization.Actor(_context);

    /// <summary>Called by minimal-API binding.</summary>
    public static ValueTask<ApiCaller?> BindAsync(HttpContext context) => ValueTask.FromResult<ApiCaller?>(new ApiCaller(context));
}
