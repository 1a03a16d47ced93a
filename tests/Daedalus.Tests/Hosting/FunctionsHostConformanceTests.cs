using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Queues;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Hosting.Conformance;
using Daedalus.Tests.Hosting.Conformance.Rpc;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// The built Functions app run as Azure runs it, short of the host itself: the real isolated worker process
/// (started with the host's arguments and environment) behind <see cref="StandInFunctionsHost"/>, which speaks the
/// host-worker gRPC protocol, loads the functions from the worker's own metadata and fires its triggers the way
/// the Timer, Storage Queues and HTTP (proxying) extensions do, on a real Azurite and PostgreSQL.
/// </summary>
public sealed class FunctionsHostConformanceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private const string FunctionKey = "conformance-function-key";

    private CoreServices _core = null!;
    private StandInFunctionsHost _host = null!;
    private string _storage = null!;

    /// <summary>The functions app's build output for the configuration these tests were built in (the test project builds it).</summary>
    private static string AppDirectory
    {
        get
        {
            var bin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var framework = Path.GetFileName(bin);
            var configuration = Path.GetFileName(Path.GetDirectoryName(bin)!);
            return Path.Combine(RepositoryRoot.Path, "functions", "bin", configuration, framework);
        }
    }

    public async Task InitializeAsync()
    {
        _storage = await AzuriteServer.ConnectionStringAsync();
        // The app's triggers name the default queues literally; this is the only test class that uses them.
        foreach (var name in new[] { QueueOptions.DefaultName, QueueOptions.DefaultPullName })
        {
            foreach (var queue in new[] { new QueueClient(_storage, name), new QueueClient(_storage, QueueOptions.PoisonNameOf(name)) })
            {
                await queue.CreateIfNotExistsAsync();
                await queue.ClearMessagesAsync();
            }
        }

        var api = new ConfigurationBuilder().AddInMemoryCollection([new("Daedalus:Api:Auth", ApiAuthModes.Name(ApiAuthMode.ApiKey))]).Build();
        _core = await CoreServices.StartAsync("conformance", new Dictionary<string, string?> { ["AzureWebJobsStorage"] = _storage, ["Daedalus:Queue:Name"] = QueueOptions.DefaultName, ["Daedalus:Queue:PullName"] = QueueOptions.DefaultPullName }, s => s.AddDaedalusApi(api));
        _host = await StandInFunctionsHost.StartAsync(
            new StandInHostOptions
            {
                AppDirectory = AppDirectory,
                FunctionKey = FunctionKey,
                QueueRetryDelay = TimeSpan.Zero,
                AppSettings = new Dictionary<string, string>
                {
                    ["AzureWebJobsStorage"] = _storage,
                    ["Daedalus__Database__ConnectionString"] = _core.ConnectionString,
                    ["Daedalus__Security__KeyFile"] = Path.Combine(_core.Directory, "keys.json"),
                    ["Daedalus__Security__SecretFile"] = Path.Combine(_core.Directory, "secrets.json"),
                    ["Daedalus__Sync__MaxBatchRows"] = "1000",
                    ["Daedalus__Queue__RetryDelay"] = "00:00:00",
                },
            },
            new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_core is not null)
        {
            await _core.DisposeAsync();
        }
    }

    [Fact]
    public void The_worker_reports_its_capabilities_and_every_function_loads_from_its_own_metadata()
    {
        var capabilities = _host.WorkerCapabilities;
        foreach (var required in new[] { "RpcHttpBodyOnly", "RawHttpBodyBytes", "RpcHttpTriggerMetadataRemoved", "UseNullableValueDictionaryForHttp", "TypedDataCollection", "WorkerStatus" })
        {
            Assert.True(capabilities.TryGetValue(required, out var value) && value == "True", $"capability {required}: {string.Join(", ", capabilities)}");
        }

        var httpUri = new Uri(capabilities["HttpUri"]);
        Assert.Equal("http", httpUri.Scheme);
        Assert.True(httpUri.IsLoopback, httpUri.ToString());

        Assert.Equal("scheduler", Assert.Single(_host.Functions, f => f.Trigger.Type == "timerTrigger" && f.Trigger.Setting("schedule") == "0 */1 * * * *").Name);
        var ingest = _host.Function("ingest").Trigger;
        Assert.Equal(("queueTrigger", QueueOptions.DefaultName, "True"), (ingest.Type, ingest.Setting("queueName"), ingest.Property("supportsDeferredBinding")));
        var pull = _host.Function("pull").Trigger;
        Assert.Equal(("queueTrigger", QueueOptions.DefaultPullName, "True"), (pull.Type, pull.Setting("queueName"), pull.Property("supportsDeferredBinding")));

        // Every route of the API is one loaded httpTrigger with its method and access level, and nothing more.
        var served = _host.HttpRoutes.SelectMany(r => r.Trigger.Methods.Select(m => $"{m} /{r.Template} {r.AuthLevel}")).Order().ToList();
        // The browsable docs are several endpoints (the page and its scripts); the Functions app has one catch-all trigger for them.
        var expected = ApiEndpointTable.All
            .Select(e => e.Template.StartsWith(Client.ApiPaths.Docs + "/", StringComparison.Ordinal) && e.Scope == ApiScope.Anonymous ? e with { Template = Client.ApiPaths.Docs + "/{*path}" } : e)
            .Select(e => $"{e.Method} {e.Template} {(e.Scope == ApiScope.Anonymous ? "anonymous" : "function")}").Distinct().Order().ToList();
        Assert.Equal(expected, served);
    }

    [Fact]
    public async Task Timer_then_pull_then_ingest_land_every_row_in_postgresql()
    {
        await ApplyAsync(Customers("conform", 1_500));

        var tick = await _host.FireTimerAsync("scheduler", CancellationToken.None);
        AssertSucceeded(tick);
        Assert.Equal(1, await DepthAsync(QueueOptions.DefaultPullName));

        var deliveries = await RunQueuesUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches") == 2 && await DepthAsync(QueueOptions.DefaultName) == 0, "two batches loaded");

        Assert.All(deliveries, d => Assert.Equal(QueueDeliveryOutcome.Deleted, d.Outcome));
        Assert.Equal(2, deliveries.Count(d => d.Queue == QueueOptions.DefaultName));
        Assert.All(deliveries, d => Assert.Equal(1, d.DequeueCount));
        Assert.Equal(1_500L, await ScalarAsync<long>("SELECT count(*) FROM conform.customers") + await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine WHERE source = 'conform'"));
        Assert.Equal(1_500L, await ScalarAsync<long>("SELECT sum(rows) FROM daedalus.batches"));
        Assert.Equal(RunStatus.Succeeded.Name(), await ScalarAsync<string>("SELECT status FROM daedalus.runs WHERE source = 'conform'"));
        // The 1,000-row batch went by claim check; its blob is gone after the load.
        var blobs = _core.Get<AzureBatchQueue>().ClaimChecks.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "batches/conform/", CancellationToken.None);
        Assert.Equal(0, await blobs.CountAsync());
        foreach (var queue in new[] { QueueOptions.DefaultPullName, QueueOptions.PoisonNameOf(QueueOptions.DefaultPullName), QueueOptions.PoisonNameOf(QueueOptions.DefaultName) })
        {
            Assert.Equal(0, await DepthAsync(queue));
        }
    }

    [Fact]
    public async Task A_failing_batch_is_retried_by_the_host_and_poisoned_on_its_last_delivery_then_replays_through_http()
    {
        await ApplyAsync(Customers("fragile", 300));
        AssertSucceeded(await _host.FireTimerAsync("scheduler", CancellationToken.None));
        await RunQueuesUntilAsync(async () => await DepthAsync(QueueOptions.DefaultPullName) == 0 && await DepthAsync(QueueOptions.DefaultName) == 1, "the pull sent its batch", ingest: false);
        await ExecuteAsync("""
            CREATE FUNCTION public.refuse_batches() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'target database is read-only for maintenance'; END $$;
            CREATE TRIGGER refuse BEFORE INSERT ON daedalus.batches FOR EACH ROW EXECUTE FUNCTION public.refuse_batches();
            """);

        var poisonQueue = QueueOptions.PoisonNameOf(QueueOptions.DefaultName);
        var deliveries = await RunQueuesUntilAsync(async () => await DepthAsync(poisonQueue) == 1, "the batch in the poison queue");

        // Deliveries 1-4 fail and the host makes the message visible again; delivery 5 (host.json maxDequeueCount) is the
        // last: the handler records it in the poison queue with its error and completes, and the host deletes it.
        Assert.Equal([1L, 2, 3, 4, 5], deliveries.Select(d => d.DequeueCount));
        Assert.All(deliveries.Take(4), d =>
        {
            Assert.Equal(QueueDeliveryOutcome.Released, d.Outcome);
            Assert.Contains("read-only for maintenance", d.Error, StringComparison.Ordinal);
        });
        Assert.Equal(QueueDeliveryOutcome.Deleted, deliveries[4].Outcome);
        Assert.Single(deliveries.Select(d => d.MessageId).Distinct());
        var poison = Assert.Single(await _core.Get<IBatchQueue>().ListPoisonAsync(10, CancellationToken.None));
        Assert.Equal(5, poison.DequeueCount);
        Assert.Equal("fragile", poison.Source);
        Assert.Contains("read-only for maintenance", poison.Error, StringComparison.Ordinal);
        Assert.Equal(0, await DepthAsync(QueueOptions.DefaultName));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches"));

        await ExecuteAsync("DROP TRIGGER refuse ON daedalus.batches");
        using var http = FunctionsClient();
        using (var listed = await http.GetAsync(new Uri("api/v1/batches/poison", UriKind.Relative)))
        {
            var text = await listed.Content.ReadAsStringAsync();
            Assert.True(listed.StatusCode == HttpStatusCode.OK, $"{listed.StatusCode}: {text}\n{_host.Diagnostics}");
            Assert.Contains(poison.MessageId, text, StringComparison.Ordinal);
        }

        using (var replay = await http.PostAsync(new Uri("api/v1/batches/poison/replay", UriKind.Relative), null))
        {
            Assert.True(replay.IsSuccessStatusCode, $"{replay.StatusCode}: {await replay.Content.ReadAsStringAsync()}");
        }

        await RunQueuesUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches") == 1, "the replayed batch loaded");
        Assert.Equal(300L, await ScalarAsync<long>("SELECT count(*) FROM fragile.customers") + await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine WHERE source = 'fragile'"));
        Assert.Equal(0, await DepthAsync(poisonQueue));
    }

    [Fact]
    public async Task Http_routes_answer_through_the_worker_as_the_self_host_answers_them()
    {
        await ApplyAsync(Customers("parity", 200));
        AssertSucceeded(await _host.FireTimerAsync("scheduler", CancellationToken.None));
        await RunQueuesUntilAsync(async () => await ScalarAsync<string>("SELECT status FROM daedalus.runs WHERE source = 'parity'") == RunStatus.Succeeded.Name(), "the run succeeded");
        // Disabled, so the self-host's own scheduler leaves the shared database alone while the two hosts are compared.
        var disabled = Customers("parity", 200);
        disabled.Enabled = false;
        await ApplyAsync(disabled);
        var runId = await ScalarAsync<string>("SELECT id::text FROM daedalus.runs WHERE source = 'parity'");
        var (_, readKey) = await _core.Get<ApiKeyStore>().CreateAsync("parity", [ApiKeyStore.ReadScope, ApiKeyStore.WriteScope], CancellationToken.None);

        var settings = await SelfHostInstance.SettingsAsync(_core.ConnectionString, _core.Directory, AzuriteServer.UniqueQueueName("parity"));
        await using var selfHost = await SelfHostInstance.StartAsync(settings);
        using var functions = FunctionsClient();
        using var serve = new HttpClient { BaseAddress = selfHost.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        serve.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", readKey);

        var requests = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Get, "api/v1/status", null),
            (HttpMethod.Get, "api/v1/sources", null),
            (HttpMethod.Get, "api/v1/sources/parity", null),
            (HttpMethod.Get, "api/v1/sources/absent", null),
            (HttpMethod.Get, "api/v1/sources/parity/runs", null),
            (HttpMethod.Get, $"api/v1/sources/parity/runs/{runId}", null),
            (HttpMethod.Get, "api/v1/sources/parity/runs/not-a-run", null),
            (HttpMethod.Get, "api/v1/sources/parity/runs?limit=1", null),
            (HttpMethod.Get, "api/v1/sources/parity/runs?nonsense=1", null),
            (HttpMethod.Get, "api/v1/sources?limt=5", null),
            (HttpMethod.Get, "api/v1/sources/parity?verbose=1&x=2", null),
            (HttpMethod.Get, "api/v1/status?staus=failed", null),
            (HttpMethod.Get, "api/v1/catalog?limit=1", null),
            (HttpMethod.Get, "api/v1/metrics?format=json", null),
            (HttpMethod.Get, $"api/v1/sources/parity/runs/{runId}/events?limit=1", null),
            (HttpMethod.Get, "api/v1/timeseries?limit=1", null),
            (HttpMethod.Get, "api/v1/notifications", null),
            (HttpMethod.Get, "api/v1/batches/poison", null),
            (HttpMethod.Get, "api/v1/pulls/poison", null),
            (HttpMethod.Get, "api/v1/timeseries", null),
            (HttpMethod.Post, "api/v1/sources", "{ not json"),
            (HttpMethod.Post, "api/v1/sources/absent/runs", null),
        };
        var differences = new List<string>();
        foreach (var (method, path, body) in requests)
        {
            var (functionsStatus, functionsBody) = await SendAsync(functions, method, path, body);
            var (serveStatus, serveBody) = await SendAsync(serve, method, path, body);
            if (functionsStatus != serveStatus || functionsBody != serveBody)
            {
                differences.Add($"{method} {path}:\n  functions {functionsStatus} {functionsBody}\n  serve     {serveStatus} {serveBody}");
            }
        }

        Assert.True(differences.Count == 0, string.Join('\n', differences) + "\n" + _host.Diagnostics);

        // The function key may come as ?code= (the host reads it; the app must not refuse the parameter).
        using var anonymous = new HttpClient { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var (codeStatus, codeBody) = await SendAsync(anonymous, HttpMethod.Get, $"api/v1/sources/parity/runs?code={FunctionKey}", null);
        Assert.Equal((HttpStatusCode.OK, (await SendAsync(serve, HttpMethod.Get, "api/v1/sources/parity/runs", null)).Body), (codeStatus, codeBody));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(anonymous, HttpMethod.Get, "api/v1/sources", null)).Status);

        // The OpenAPI document describes the same paths; only the security scheme follows the host.
        var functionsDocument = JsonNode.Parse((await SendAsync(anonymous, HttpMethod.Get, "api/v1/openapi.json", null)).Body)!;
        var serveDocument = JsonNode.Parse((await SendAsync(serve, HttpMethod.Get, "api/v1/openapi.json", null)).Body)!;
        Assert.Equal(serveDocument["paths"]!.AsObject().Select(p => p.Key).Order(), functionsDocument["paths"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal("x-functions-key", functionsDocument["components"]!["securitySchemes"]!["functionKey"]!["name"]!.GetValue<string>());

        using var metrics = await functions.GetAsync(new Uri("api/v1/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    private HttpClient FunctionsClient()
    {
        var http = new HttpClient { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add(DaedalusClient.FunctionKeyHeader, FunctionKey);
        return http;
    }

    /// <summary>Status and body, with what legitimately differs between two processes answering at two moments taken out.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, Normalize(text));
    }

    /// <summary>What depends on the process or the moment of the request: problem details' trace id, when status was checked, how long a check took, lag until now.</summary>
    private static readonly HashSet<string> Volatile = new(StringComparer.Ordinal) { "traceId", "checkedAt", "durationMs", "lagSeconds" };

    private static string Normalize(string body)
    {
        if (body.Length == 0 || body[0] is not ('{' or '['))
        {
            return body;
        }

        var node = JsonNode.Parse(body);
        Strip(node);
        return node?.ToJsonString() ?? "null";
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).Where(Volatile.Contains).ToList())
                {
                    obj.Remove(key);
                }

                foreach (var (_, child) in obj)
                {
                    Strip(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Strip(child);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>Polls the pull and (unless told not to) the ingest listener until <paramref name="done"/>; returns every delivery settled.</summary>
    private async Task<List<QueueDelivery>> RunQueuesUntilAsync(Func<Task<bool>> done, string what, bool ingest = true)
    {
        var pulls = _host.QueueListener("pull");
        var batches = _host.QueueListener("ingest");
        var deliveries = new List<QueueDelivery>();
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    deliveries.AddRange(await pulls.PollAsync(CancellationToken.None));
                    if (ingest)
                    {
                        deliveries.AddRange(await batches.PollAsync(CancellationToken.None));
                    }

                    return await done();
                },
                Patience,
                what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; deliveries: {string.Join("; ", deliveries)}\n{_host.Diagnostics}", ex);
        }

        return deliveries;
    }

    private void AssertSucceeded(InvocationResponse response) =>
        Assert.True(response.Result.Status == StatusResult.Types.Status.Success, $"{response.Result.Status}: {response.Result.Exception?.Message}\n{_host.Diagnostics}");

    private static SourceDefinition Customers(string name, long customers)
    {
        var source = SampleSourceDefinition.Create(name, customers, targetSchema: name);
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Settings["maxGenerations"] = "0";
        return source;
    }

    private Task ApplyAsync(SourceDefinition source) => _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);

    private async Task<int> DepthAsync(string queue) => (await new QueueClient(_storage, queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException("null: " + sql);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.ExecuteAsync(sql);
    }
}
