using Daedalus.Api;
using Microsoft.AspNetCore.Http;

namespace Daedalus.WebConsole;

/// <summary>
/// GET /api/console/{*path}: the web console's static files (anonymous, like /api/v1/docs: the page holds no data;
/// every API call it makes carries the user's key). Both hosts route here: the self-host through
/// <see cref="WebConsoleEndpointRouteBuilderExtensions"/>, Azure Functions through the BrowseConsole trigger. The
/// path is under /api because the Functions host puts its route prefix (host.json: <c>api</c>) before every trigger.
/// </summary>
public static class WebConsoleHandler
{
    /// <summary>The route, the same in both hosts (the Functions trigger's is this without the <c>/api/</c> prefix).</summary>
    public const string Template = "/api/console/{*path}";

    public const string Name = "BrowseConsole";

    /// <summary>
    /// Only scripts, styles, images and API calls of this origin; no framing, no inline script: the console is
    /// built to need nothing else, and a key in session storage is worth an XSS.
    /// </summary>
    private const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static Task<IResult> Serve(HttpContext context, string? path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var assets = WebConsoleAssets.Current;
        if (!assets.IsBuilt)
        {
            return Task.FromResult(ApiProblems.NotFound("The console was not built into this host: build console/ (npm ci && npm run build) before dotnet build."));
        }

        path ??= string.Empty;
        if (path.Length == 0 && !context.Request.Path.Value!.EndsWith('/'))
        {
            // Relative asset URLs need the trailing slash; relative, so a proxy's path prefix survives.
            return Task.FromResult(Results.Redirect("console/"));
        }

        var asset = assets.Find(path.Length == 0 ? "index.html" : path);
        if (asset is null)
        {
            return Task.FromResult(ApiProblems.NotFound("No such console file."));
        }

        return Task.FromResult(Answer(context, asset));
    }

    private static IResult Answer(HttpContext context, WebConsoleAsset asset)
    {
        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        // Revalidate every time (the files change with each build and are small); a match costs a 304.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Split(',').Any(t => t.Trim() == asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
