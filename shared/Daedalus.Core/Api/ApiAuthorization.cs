using Daedalus.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Daedalus.Api;

/// <summary>
/// The API's access check, callable from the minimal-API filter and from an Azure Functions trigger alike.
/// Answers 401 for a missing or unknown key and 403 for a key without the scope; neither says which.
/// </summary>
public static class ApiAuthorization
{
    private const string ActorItem = "daedalus.actor";

    /// <summary>Null when the request may proceed; otherwise the problem+json answer to send.</summary>
    public static async ValueTask<IResult?> CheckAsync(HttpContext context, ApiScope scope, CancellationToken cancellationToken)
    {
        if (scope == ApiScope.Anonymous)
        {
            return null;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
        if (options.AuthMode() != ApiAuthMode.ApiKey)
        {
            context.Items[ActorItem] = options.AuthMode() == ApiAuthMode.FunctionKeys ? "api:functionkey" : "api:anonymous";
            return null;
        }

        var key = PresentedKey(context.Request);
        if (key is null)
        {
            return Unauthorized(context);
        }

        var scopes = await context.RequestServices.GetRequiredService<ApiKeyVerifier>().VerifyAsync(key, cancellationToken);
        if (scopes is null)
        {
            return Unauthorized(context);
        }

        var needed = scope == ApiScope.Write ? ApiKeyStore.WriteScope : ApiKeyStore.ReadScope;
        if (!scopes.Contains(needed) && !(scope == ApiScope.Read && scopes.Contains(ApiKeyStore.WriteScope)))
        {
            return ApiProblems.Forbidden();
        }

        context.Items[ActorItem] = key.Split('_') is { Length: 3 } parts ? $"api:key:{parts[1]}" : "api:key";
        return null;
    }

    /// <summary>Who made the request, for the audit log.</summary>
    public static string Actor(HttpContext context) => context.Items[ActorItem] as string ?? "api:anonymous";

    private static IResult Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Unauthorized();
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            return token.Length is > 0 and <= 256 ? token : null;
        }

        var header = request.Headers["X-Api-Key"].ToString().Trim();
        return header.Length is > 0 and <= 256 ? header : null;
    }
}
