using Daedalus.Tests.Hosting.Conformance.Rpc;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// One httpTrigger as the host routes it: <c>{routePrefix}/{route}</c> (the function name when the route is unset),
/// its methods, and its authorization level (anonymous, function, admin). Binds a matched request the way the host
/// does for a worker that proxies HTTP (<c>HttpUri</c> capability): the trigger input is an empty <c>RpcHttp</c>,
/// the trigger metadata carries the route values, <c>Query</c> and <c>Headers</c>; the request itself is forwarded.
/// </summary>
public sealed class HttpTriggerRoute
{
    private readonly TemplateMatcher _matcher;
    private readonly RouteTemplate _template;

    public HttpTriggerRoute(LoadedFunction function, string routePrefix)
    {
        Function = function;
        Trigger = function.Trigger;
        var route = Trigger.Setting("route") ?? function.Name;
        Template = $"{routePrefix.Trim('/')}/{route.TrimStart('/')}".TrimStart('/');
        _template = TemplateParser.Parse(Template);
        _matcher = new TemplateMatcher(_template, new RouteValueDictionary());
        AuthLevel = (Trigger.Setting("authLevel") ?? "function").ToLowerInvariant();
    }

    public LoadedFunction Function { get; }

    public RawBinding Trigger { get; }

    public string Template { get; }

    /// <summary><c>anonymous</c>, <c>function</c> or <c>admin</c>.</summary>
    public string AuthLevel { get; }

    /// <summary>Literal segments first, catch-alls last: the host prefers the most specific route.</summary>
    public int Precedence => _template.Segments.Count(s => s.IsSimple && s.Parts[0].IsLiteral) * 10 - _template.Parameters.Count(p => p.IsCatchAll);

    public bool TryMatch(HttpRequest request, out RouteValueDictionary values)
    {
        values = [];
        var methods = Trigger.Methods;
        return (methods.Count == 0 || methods.Contains(request.Method.ToUpperInvariant())) && _matcher.TryMatch(request.Path, values);
    }

    public (ParameterBinding Input, Dictionary<string, TypedData> Metadata) Bind(HttpRequest request, RouteValueDictionary values)
    {
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values)
        {
            if (value is not null)
            {
                metadata[name] = HostTypedData.Of(value.ToString()!);
            }
        }

        metadata["Query"] = HostTypedData.Of(request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()));
        metadata["Headers"] = HostTypedData.Of(request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()));
        return (new ParameterBinding { Name = Trigger.Name, Data = new TypedData { Http = new RpcHttp() } }, metadata);
    }
}
