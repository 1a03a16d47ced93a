using Daedalus.Api;
using Daedalus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Template;

namespace Daedalus.Tests.Infrastructure;

/// <summary>
/// Stands in for the Azure Functions host in front of the worker: a route whose trigger is not
/// <c>AuthorizationLevel.Anonymous</c> needs the function key in <c>x-functions-key</c> or <c>?code=</c>, else the
/// host answers 401 with an empty body before any of our code runs. Anonymous routes are the route table's.
/// </summary>
public sealed class FunctionsHostKeyCheck(string functionKey) : IStartupFilter
{
    private static readonly TemplateMatcher[] Anonymous = [.. ApiEndpointTable.All
        .Where(r => r.Scope == ApiScope.Anonymous)
        .Select(r => new TemplateMatcher(TemplateParser.Parse(r.Template.TrimStart('/')), new()))];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            var open = Anonymous.Any(m => m.TryMatch(context.Request.Path, new()));
            var presented = context.Request.Headers[DaedalusClient.FunctionKeyHeader].FirstOrDefault() ?? context.Request.Query["code"].FirstOrDefault();
            if (!open && presented != functionKey)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await inner(context);
        });
        next(app);
    };
}
