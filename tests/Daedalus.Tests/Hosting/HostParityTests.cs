using System.Text.Json;
using Daedalus.Api;
using Daedalus.Hosting;
using Daedalus.Queues;
using Daedalus.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// The Functions app (read from functions/*.cs with Roslyn, and host.json) and the self-host (its mapped
/// endpoints and trigger table) expose the same function names, routes, methods, access, queue and schedule,
/// with nothing left over on either side, and host.json's queue settings are the self-host's defaults.
/// </summary>
public sealed class HostParityTests
{
    private static readonly string Functions = Path.Combine(RepositoryRoot.Path, "functions");

    /// <summary>host.json sits at the repository's top level (the functions project copies it to its output).</summary>
    private static readonly string HostJson = Path.Combine(RepositoryRoot.Path, "host.json");

    [Fact]
    public void Functions_and_self_host_expose_the_same_triggers()
    {
        var functions = FunctionTriggers();
        Assert.Contains(functions, t => t.Kind == "timer");
        Assert.Contains(functions, t => t.Kind == "queue");
        Assert.Contains(functions, t => t.Kind == "http");

        var selfHost = SelfHostTriggers();
        var onlyFunctions = functions.Except(selfHost).ToList();
        var onlySelfHost = selfHost.Except(functions).ToList();
        Assert.True(onlyFunctions.Count == 0 && onlySelfHost.Count == 0, $"only in functions/: {string.Join(", ", onlyFunctions)}; only in the self-host: {string.Join(", ", onlySelfHost)}");
    }

    [Fact]
    public void Host_json_queue_settings_are_the_self_host_defaults()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(HostJson));
        var queues = hostJson.RootElement.GetProperty("extensions").GetProperty("queues");
        var defaults = new QueueOptions();
        Assert.Equal(defaults.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal(defaults.BatchSize, queues.GetProperty("batchSize").GetInt32());
        Assert.Equal(defaults.RetryDelay, TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(defaults.MaxPollingInterval, TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        // Both hosts read the raw base64 text and decode it in shared code.
        Assert.Equal("none", queues.GetProperty("messageEncoding").GetString());
    }

    private static HashSet<HostTrigger> SelfHostTriggers()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Daedalus:Database:ConnectionString"] = "Host=127.0.0.1;Database=unused",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        }).Build();
        var app = SelfHost.Build(configuration, "http://127.0.0.1:0");
        var triggers = HostTriggers.NonHttp(app.Services.GetRequiredService<IOptions<QueueOptions>>().Value.Name, app.Services.GetRequiredService<IOptions<QueueOptions>>().Value.PullName).ToHashSet();
        foreach (var endpoint in ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>())
        {
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"(unnamed {endpoint.RoutePattern.RawText})";
            var path = ApiEndpointTable.Path(endpoint);
            if (path.StartsWith(Client.ApiPaths.Docs + "/", StringComparison.Ordinal) && endpoint.Metadata.GetMetadata<ApiAccess>()?.Scope == ApiScope.Anonymous)
            {
                // The browsable docs are several endpoints (the page and its scripts); the Functions app has one catch-all trigger for them.
                (name, path) = ("BrowseApiDocs", Client.ApiPaths.Docs + "/{*path}");
            }

            var access = endpoint.Metadata.GetMetadata<ApiAccess>()?.Scope switch
            {
                ApiScope.Anonymous => "anonymous",
                ApiScope.Read or ApiScope.Write => "key",
                _ => "(no ApiAccess metadata)",
            };
            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
            {
                triggers.Add(new HostTrigger(name, "http", $"{method} {path} {access}"));
            }
        }

        return triggers;
    }

    private static HashSet<HostTrigger> FunctionTriggers()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(HostJson));
        var routePrefix = hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();
        var triggers = new HashSet<HostTrigger>();
        foreach (var file in Directory.EnumerateFiles(Functions, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                var function = Attribute(method.AttributeLists, "Function");
                if (function is null)
                {
                    continue;
                }

                var name = Literal(function.ArgumentList!.Arguments[0].Expression);
                foreach (var parameter in method.ParameterList.Parameters)
                {
                    if (Attribute(parameter.AttributeLists, "TimerTrigger") is { } timer)
                    {
                        triggers.Add(new HostTrigger(name, "timer", Literal(timer.ArgumentList!.Arguments[0].Expression)));
                    }
                    else if (Attribute(parameter.AttributeLists, "QueueTrigger") is { } queue)
                    {
                        triggers.Add(new HostTrigger(name, "queue", Literal(queue.ArgumentList!.Arguments[0].Expression)));
                    }
                    else if (Attribute(parameter.AttributeLists, "HttpTrigger") is { } http)
                    {
                        var arguments = http.ArgumentList!.Arguments;
                        var route = arguments.Single(a => a.NameEquals?.Name.Identifier.Text == "Route").Expression;
                        var path = $"/{routePrefix}/{Literal(route)}".Replace("//", "/", StringComparison.Ordinal);
                        var access = Access(http, method);
                        foreach (var verb in arguments.Where(a => a.NameEquals is null && a.Expression is LiteralExpressionSyntax))
                        {
                            triggers.Add(new HostTrigger(name, "http", $"{Literal(verb.Expression).ToUpperInvariant()} {path} {access}"));
                        }
                    }
                }
            }
        }

        return triggers;
    }

    /// <summary>
    /// The trigger's access: the Functions host's authorization level (anonymous, or a function key) must agree with the
    /// endpoint's <see cref="ApiAccess"/>, and the trigger must hand its request to the shared endpoint dispatcher.
    /// </summary>
    private static string Access(AttributeSyntax http, MethodDeclarationSyntax method)
    {
        var level = http.ArgumentList!.Arguments[0].Expression.ToString();
        var dispatches = method.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i => i.Expression.ToString().EndsWith(".Dispatch", StringComparison.Ordinal));
        return (level, dispatches) switch
        {
            (_, false) => "(does not call ApiTriggerDispatcher.Dispatch)",
            ("AuthorizationLevel.Anonymous", true) => "anonymous",
            ("AuthorizationLevel.Function", true) => "key",
            _ => $"(unexpected authorization level {level})",
        };
    }

    private static AttributeSyntax? Attribute(SyntaxList<AttributeListSyntax> lists, string name) =>
        lists.SelectMany(l => l.Attributes).FirstOrDefault(a => a.Name.ToString() == name || a.Name.ToString() == name + "Attribute");

    private static string Literal(ExpressionSyntax expression) =>
        expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression)
            ? literal.Token.ValueText
            : throw new InvalidOperationException($"functions/ must use string literals in trigger attributes (found `{expression}`), so the hosts can be compared");
}
