using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Daedalus.Tests.Hosting.Conformance.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// A stand-in for the Azure Functions host in front of the real isolated worker (the built functions app): a gRPC
/// server (<c>FunctionRpc.EventStream</c>, HTTP/2 on loopback) the worker connects to, the host's start-up sequence
/// (StartStream → WorkerInitRequest/Response → FunctionsMetadataRequest → FunctionLoadRequest per function), and the
/// triggers: timer ticks, queue listeners (<see cref="QueueTriggerListener"/>) and an HTTP front door
/// (<see cref="HttpTriggerForwarder"/>). It is not the host: no scale controller, no timer schedule of its own, no
/// retries policies, no placeholder mode, no shared memory; the test decides when a trigger fires.
/// </summary>
public sealed class StandInFunctionsHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WorkerChannel _channel;
    private readonly StandInHostOptions _options;
    private WorkerProcess? _worker;
    private HttpTriggerForwarder? _forwarder;

    private StandInFunctionsHost(WebApplication app, WorkerChannel channel, StandInHostOptions options, Uri grpcEndpoint, Uri baseAddress)
    {
        _app = app;
        _channel = channel;
        _options = options;
        GrpcEndpoint = grpcEndpoint;
        BaseAddress = baseAddress;
        Settings = HostJsonSettings.Read(options.AppDirectory);
    }

    /// <summary>Where the worker connects (the <c>--functions-uri</c> it was given).</summary>
    public Uri GrpcEndpoint { get; }

    /// <summary>The HTTP front door: <c>{BaseAddress}api/v1/...</c> reaches the worker's HTTP functions.</summary>
    public Uri BaseAddress { get; }

    public HostJsonSettings Settings { get; }

    /// <summary>The capabilities the worker reported in its WorkerInitResponse.</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The worker's metadata for itself (runtime, worker version) from its WorkerInitResponse.</summary>
    public WorkerMetadata? WorkerMetadata { get; private set; }

    /// <summary>Every function the worker indexed and loaded successfully.</summary>
    public IReadOnlyList<LoadedFunction> Functions { get; private set; } = [];

    public IReadOnlyList<HttpTriggerRoute> HttpRoutes { get; private set; } = [];

    /// <summary>The worker's console output and recent RpcLogs, for failure messages.</summary>
    public string Diagnostics => $"worker output:\n{_worker?.Output}\nworker logs:\n{_channel.RecentLogs}";

    public static async Task<StandInFunctionsHost> StartAsync(StandInHostOptions options, CancellationToken cancellationToken)
    {
        int grpcPort = FreePort(), frontPort = FreePort();
        var channel = new WorkerChannel(Guid.NewGuid().ToString());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, frontPort, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(channel);
        var app = builder.Build();
        var host = new StandInFunctionsHost(app, channel, options, new Uri($"http://127.0.0.1:{grpcPort}/"), new Uri($"http://127.0.0.1:{frontPort}/"));
        app.Use(async (context, next) =>
        {
            if (context.Connection.LocalPort != frontPort)
            {
                await next(context);
            }
            else if (host._forwarder is { } forwarder)
            {
                await forwarder.HandleAsync(context);
            }
            else
            {
                context.Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status503ServiceUnavailable;
            }
        });
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken);
        try
        {
            await host.StartWorkerAsync(channel.WorkerId, cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    public LoadedFunction Function(string name) =>
        Functions.SingleOrDefault(f => f.Name == name) ?? throw new InvalidOperationException($"the worker loaded no function '{name}' (loaded: {string.Join(", ", Functions.Select(f => f.Name))})");

    /// <summary>Sends one InvocationRequest (a new invocation id unless given) and waits for its InvocationResponse.</summary>
    public async Task<InvocationResponse> InvokeAsync(LoadedFunction function, ParameterBinding input, IReadOnlyDictionary<string, TypedData> triggerMetadata, string? invocationId, CancellationToken cancellationToken)
    {
        var request = new InvocationRequest
        {
            InvocationId = invocationId ?? Guid.NewGuid().ToString(),
            FunctionId = function.Id,
            TraceContext = new RpcTraceContext { TraceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01", TraceState = "" },
        };
        request.InputData.Add(input);
        foreach (var (name, value) in triggerMetadata)
        {
            request.TriggerMetadata.Add(name, value);
        }
        var answer = await _channel.RequestAsync(new StreamingMessage { RequestId = _worker!.RequestId, InvocationRequest = request }, WorkerChannel.InvocationKey(request.InvocationId), _options.InvocationTimeout, cancellationToken);
        return answer.InvocationResponse;
    }

    /// <summary>Fires a timer-triggered function once, as the Timer extension does on a schedule occurrence.</summary>
    public Task<InvocationResponse> FireTimerAsync(string functionName, CancellationToken cancellationToken)
    {
        var function = Function(functionName);
        var now = DateTimeOffset.UtcNow;
        var (input, metadata) = TimerTriggerBinding.Bind(function.Trigger, now.AddMinutes(-1), now.AddMinutes(1), isPastDue: false);
        return InvokeAsync(function, input, metadata, null, cancellationToken);
    }

    /// <summary>The Storage Queues listener of a queue-triggered function, on the app's <c>AzureWebJobsStorage</c>.</summary>
    public QueueTriggerListener QueueListener(string functionName)
    {
        var function = Function(functionName);
        var connection = function.Trigger.Setting("connection") ?? "AzureWebJobsStorage";
        var connectionString = _options.AppSettings.TryGetValue(connection, out var value) ? value : throw new InvalidOperationException($"no app setting '{connection}' for {functionName}");
        return new QueueTriggerListener(function, connectionString, Settings, _options.QueueRetryDelay ?? Settings.QueueVisibilityTimeout, (i, m, ct) => InvokeAsync(function, i, m, null, ct));
    }

    private async Task StartWorkerAsync(string workerId, CancellationToken cancellationToken)
    {
        _worker = WorkerProcess.Start(_options.AppDirectory, GrpcEndpoint, _options.AppSettings, workerId);
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(_options.StartupTimeout);
        await UntilWorkerExitsAsync(_channel.Connected, "StartStream", startup.Token);

        var init = new WorkerInitRequest
        {
            HostVersion = "4.0.0-standin",
            WorkerDirectory = _options.AppDirectory,
            FunctionAppDirectory = _options.AppDirectory,
        };
        var initAnswer = await UntilWorkerExitsAsync(
            _channel.RequestAsync(new StreamingMessage { RequestId = _worker.RequestId, WorkerInitRequest = init }, WorkerChannel.InitKey, _options.StartupTimeout, startup.Token), "WorkerInitResponse", startup.Token);
        EnsureSuccess(initAnswer.WorkerInitResponse.Result, "WorkerInitRequest");
        WorkerCapabilities = new Dictionary<string, string>(initAnswer.WorkerInitResponse.Capabilities);
        WorkerMetadata = initAnswer.WorkerInitResponse.WorkerMetadata;

        var metadataAnswer = await UntilWorkerExitsAsync(
            _channel.RequestAsync(new StreamingMessage { RequestId = _worker.RequestId, FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _options.AppDirectory } }, WorkerChannel.MetadataKey, _options.StartupTimeout, startup.Token),
            "FunctionMetadataResponse",
            startup.Token);
        var metadata = metadataAnswer.FunctionMetadataResponse;
        EnsureSuccess(metadata.Result, "FunctionsMetadataRequest");
        if (metadata.UseDefaultMetadataIndexing)
        {
            throw new InvalidOperationException("the worker asked the host to index functions itself (use_default_metadata_indexing); worker.config.json says workerIndexing");
        }

        var loaded = new List<LoadedFunction>();
        foreach (var function in metadata.FunctionMetadataResults)
        {
            EnsureSuccess(function.Status ?? new StatusResult { Status = StatusResult.Types.Status.Success }, $"indexing {function.Name}");
            var bindings = function.RawBindings.Select(RawBinding.Parse).ToList();
            var load = new FunctionLoadRequest
            {
                FunctionId = function.FunctionId,
                Metadata = new RpcFunctionMetadata
                {
                    Name = function.Name,
                    Directory = function.Directory,
                    ScriptFile = function.ScriptFile,
                    EntryPoint = function.EntryPoint,
                    Language = function.Language,
                    FunctionId = function.FunctionId,
                    IsProxy = false,
                },
            };
            foreach (var binding in bindings)
            {
                load.Metadata.Bindings.Add(binding.Name, binding.ToBindingInfo());
            }

            load.Metadata.Properties.Add(function.Properties);
            var loadAnswer = await UntilWorkerExitsAsync(
                _channel.RequestAsync(new StreamingMessage { RequestId = _worker.RequestId, FunctionLoadRequest = load }, WorkerChannel.LoadKey(function.FunctionId), _options.StartupTimeout, startup.Token),
                $"FunctionLoadResponse for {function.Name}",
                startup.Token);
            EnsureSuccess(loadAnswer.FunctionLoadResponse.Result, $"loading {function.Name}");
            loaded.Add(new LoadedFunction(function.FunctionId, function.Name, bindings));
        }

        Functions = loaded;
        HttpRoutes = [.. loaded.Where(f => f.Bindings.Any(b => b.Direction == BindingInfo.Types.Direction.In && string.Equals(b.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase))).Select(f => new HttpTriggerRoute(f, Settings.RoutePrefix))];
        if (HttpRoutes.Count > 0)
        {
            var httpUri = WorkerCapabilities.TryGetValue("HttpUri", out var uri) && Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
                ? parsed
                : throw new InvalidOperationException("the worker has HTTP functions but reported no HttpUri capability (ConfigureFunctionsWebApplication proxies HTTP)");
            _forwarder = new HttpTriggerForwarder(HttpRoutes, httpUri, _options.FunctionKey, Guid.NewGuid().ToString("N"), _options.InvocationTimeout, InvokeAsync);
        }
    }

    private async Task<T> UntilWorkerExitsAsync<T>(Task<T> step, string what, CancellationToken cancellationToken)
    {
        var finished = await Task.WhenAny(step, _worker!.Exited, Task.Delay(Timeout.Infinite, cancellationToken));
        if (finished == step)
        {
            return await step;
        }

        var reason = finished == _worker.Exited ? "the worker process exited" : "timed out";
        throw new InvalidOperationException($"waiting for {what}: {reason}\n{Diagnostics}");
    }

    private void EnsureSuccess(StatusResult result, string what)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"{what} failed: {result.Exception?.Message ?? result.Result}\n{Diagnostics}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            // As the host does on shutdown: ask the worker to terminate, then end the process if it has not.
            _channel.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) } });
            await Task.WhenAny(_worker.Exited, Task.Delay(TimeSpan.FromSeconds(5)));
            await _worker.DisposeAsync();
        }

        _forwarder?.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
