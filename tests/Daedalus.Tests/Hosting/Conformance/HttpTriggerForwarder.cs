using Daedalus.Tests.Hosting.Conformance.Rpc;
using Microsoft.AspNetCore.Http;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// The host's HTTP front door for a worker that proxies HTTP: routes a request to an httpTrigger function, checks
/// the function key for non-anonymous levels (401 with an empty body, before any worker code runs; no route: 404),
/// then at the same time forwards the request as is (path, query, headers, body, plus <c>x-ms-invocation-id</c>) to
/// the worker's own listener (its <c>HttpUri</c> capability) and sends the InvocationRequest. The worker's HTTP
/// response is the answer; a failed invocation answers 500.
/// </summary>
public sealed class HttpTriggerForwarder : IDisposable
{
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "TE", "Trailer", "Host",
    };

    private readonly IReadOnlyList<HttpTriggerRoute> _routes;
    private readonly Uri _workerUri;
    private readonly string _functionKey;
    private readonly string _masterKey;
    private readonly Func<LoadedFunction, ParameterBinding, IReadOnlyDictionary<string, TypedData>, string, CancellationToken, Task<InvocationResponse>> _invoke;
    private readonly HttpClient _http;

    public HttpTriggerForwarder(
        IReadOnlyList<HttpTriggerRoute> routes,
        Uri workerUri,
        string functionKey,
        string masterKey,
        TimeSpan timeout,
        Func<LoadedFunction, ParameterBinding, IReadOnlyDictionary<string, TypedData>, string, CancellationToken, Task<InvocationResponse>> invoke)
    {
        _routes = [.. routes.OrderByDescending(r => r.Precedence)];
        _workerUri = workerUri;
        _functionKey = functionKey;
        _masterKey = masterKey;
        _invoke = invoke;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = timeout };
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        HttpTriggerRoute? route = null;
        Microsoft.AspNetCore.Routing.RouteValueDictionary values = [];
        foreach (var candidate in _routes)
        {
            if (candidate.TryMatch(request, out values))
            {
                route = candidate;
                break;
            }
        }

        if (route is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!Authorized(route, request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var invocationId = Guid.NewGuid().ToString();
        var (input, metadata) = route.Bind(request, values);
        using var forward = await ForwardedRequestAsync(request, invocationId, context.RequestAborted);
        var forwarding = _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        // The same invocation id on both paths: the worker pairs the HTTP request with the InvocationRequest by it.
        var invocation = await _invoke(route.Function, input, metadata, invocationId, context.RequestAborted);
        if (invocation.Result.Status != StatusResult.Types.Status.Success)
        {
            try
            {
                (await forwarding).Dispose();
            }
            catch (HttpRequestException)
            {
            }

            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        using var answer = await forwarding;
        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private bool Authorized(HttpTriggerRoute route, HttpRequest request)
    {
        var presented = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        return route.AuthLevel switch
        {
            "anonymous" => true,
            "admin" => presented == _masterKey,
            _ => presented == _functionKey || presented == _masterKey,
        };
    }

    private async Task<HttpRequestMessage> ForwardedRequestAsync(HttpRequest request, string invocationId, CancellationToken cancellationToken)
    {
        var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_workerUri, request.Path.Value + request.QueryString.Value));
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        if (body.Length > 0 || request.ContentLength is > 0)
        {
            body.Position = 0;
            forward.Content = new StreamContent(body);
        }
        else
        {
            await body.DisposeAsync();
        }

        foreach (var header in request.Headers)
        {
            if (HopByHop.Contains(header.Key))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                forward.Content?.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        forward.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
        return forward;
    }

    public void Dispose() => _http.Dispose();
}
