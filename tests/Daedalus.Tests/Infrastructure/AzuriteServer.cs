using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Daedalus.Tests.Infrastructure;

/// <summary>
/// One real Azurite (from tools/azurite, pinned by its lock file) per test process, on free loopback ports,
/// in memory, no telemetry. Tests isolate themselves with unique queue and container names.
/// </summary>
public static class AzuriteServer
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _connectionString;

    /// <summary>Runs "$@" (Azurite) until process $1 (the test host) or Azurite ends; a TERM stops Azurite too.</summary>
    private const string Watchdog = """
        parent=$1; shift
        "$@" &
        child=$!
        trap 'kill $child 2>/dev/null; exit 0' TERM INT
        while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
        kill "$child" 2>/dev/null
        wait "$child"
        """;

    public static async Task<string> ConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _connectionString ??= await StartAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The shared Azurite's connection string once started, else null.</summary>
    public static string? Started => Volatile.Read(ref _connectionString);

    /// <summary>A fresh queue name (also the claim-check container name), valid for storage.</summary>
    public static string UniqueQueueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];

    private static async Task<string> StartAsync()
    {
        var executable = Path.Combine(RepositoryRoot.Path, "tools", "azurite", "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is not installed at {executable}: run `npm ci` in tools/azurite (scripts/test.sh does)");
        }

        int blobPort = FreePort(), queuePort = FreePort(), tablePort = FreePort();
        var location = Path.Combine(Path.GetTempPath(), "daedalus-tests", $"azurite-{Environment.ProcessId}");
        Directory.CreateDirectory(location);
        // Through a watchdog shell: the test runner kills test hosts without running their exit hooks, and an
        // Azurite started directly would outlive the run. The shell stops it as soon as this process is gone.
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = location,
        };
        foreach (var argument in new[]
        {
            "-c", Watchdog, "azurite-watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), executable,
            "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--inMemoryPersistence",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queuePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{tablePort}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Azurite");
        // scripts/test.sh stops it by this pid when the test host is killed before its exit hook runs.
        await File.WriteAllTextAsync(Path.Combine(location, "azurite.pid"), process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            try
            {
                Directory.Delete(location, recursive: true);
            }
            catch (IOException)
            {
            }
        };

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await CanConnectAsync(queuePort) && await CanConnectAsync(blobPort)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"Azurite did not start (exit: {(process.HasExited ? process.ExitCode : "still running")}):\n{output}");
                }
            }

            await Task.Delay(100);
        }

        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
            $";BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
