using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// The built Functions app started the way the Functions host starts a dotnet-isolated worker: the executable and
/// worker path from the app's <c>worker.config.json</c>, the app directory as working directory, the host's argument
/// line (the legacy <c>--host/--port/--workerId/--requestId/--grpcMaxMessageLength</c> and the <c>--functions-*</c>
/// copies the worker reads), and the host's environment: <c>FUNCTIONS_WORKER_RUNTIME</c>,
/// <c>FUNCTIONS_WORKER_DIRECTORY</c>, <c>FUNCTIONS_APPLICATION_DIRECTORY</c> and the app settings.
/// Disposing kills the process tree; a watchdog shell also ends it if the test process dies first.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    /// <summary>The host's default gRPC message limit (int.MaxValue bytes), passed on the command line.</summary>
    public const int MaxMessageLength = int.MaxValue;

    /// <summary>Runs "$@" (the worker) until process $1 (the test host) or the worker ends; a TERM stops the worker too.</summary>
    private const string Watchdog = """
        parent=$1; shift
        "$@" &
        child=$!
        trap 'kill $child 2>/dev/null; exit 0' TERM INT
        while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
        kill "$child" 2>/dev/null
        wait "$child"
        """;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process, string workerId, string requestId)
    {
        _process = process;
        WorkerId = workerId;
        RequestId = requestId;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _exited.TrySetResult();
        if (process.HasExited)
        {
            _exited.TrySetResult();
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string WorkerId { get; }

    public string RequestId { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Completes when the worker process has exited.</summary>
    public Task Exited => _exited.Task;

    /// <summary>The worker's console output so far (the last 64 KB), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="appDirectory">The app's build output (the script root the host runs from).</param>
    /// <param name="hostEndpoint">The stand-in host's gRPC endpoint, e.g. <c>http://127.0.0.1:50123/</c>.</param>
    /// <param name="appSettings">App settings, given as environment variables as the host gives them (<c>__</c> for <c>:</c>).</param>
    /// <param name="workerId">The id the worker must name in its StartStream.</param>
    public static WorkerProcess Start(string appDirectory, Uri hostEndpoint, IReadOnlyDictionary<string, string> appSettings, string workerId)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(appDirectory, "worker.config.json")));
        var description = config.RootElement.GetProperty("description");
        var executable = description.GetProperty("defaultExecutablePath").GetString()!;
        var workerPath = Path.Combine(appDirectory, description.GetProperty("defaultWorkerPath").GetString()!);
        if (!File.Exists(workerPath))
        {
            throw new InvalidOperationException($"the Functions app is not built at {workerPath}: build functions/Daedalus.Functions.csproj");
        }

        var requestId = Guid.NewGuid().ToString();
        var maxLength = MaxMessageLength.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = appDirectory,
        };
        string[] arguments =
        [
            "-c", Watchdog, "worker-watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            executable, workerPath,
            "--host", hostEndpoint.Host, "--port", hostEndpoint.Port.ToString(CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", maxLength,
            "--functions-uri", hostEndpoint.AbsoluteUri, "--functions-worker-id", workerId,
            "--functions-request-id", requestId, "--functions-grpc-max-message-length", maxLength,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test process's own settings must not leak into the app: only what a host would give it.
        foreach (var name in start.Environment.Keys.Where(IsAppSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        start.Environment["AzureWebJobsScriptRoot"] = appDirectory;
        foreach (var (name, value) in appSettings)
        {
            start.Environment[name] = value;
        }

        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the worker"), workerId, requestId);
    }

    private static bool IsAppSetting(string name) =>
        name.StartsWith("Daedalus", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("FUNCTIONS_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("APPLICATIONINSIGHTS_", StringComparison.OrdinalIgnoreCase);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > 64 * 1024)
            {
                _output.Remove(0, _output.Length - 64 * 1024);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the worker process {_process.Id} did not exit within 15 s of being killed");
        }
        finally
        {
            _process.Dispose();
        }
    }
}
