using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// Storage for the queue scenario: the configured <c>AzureWebJobsStorage</c>, or an in-memory Azurite from
/// tools/azurite (installed with <c>npm ci</c> there) on free loopback ports for the length of the run.
/// </summary>
public sealed class BenchAzurite : IDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process? _process;

    private BenchAzurite(Process? process, string? connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    /// <summary>Null when there is no storage: the queue scenario is then left out, and said so.</summary>
    public string? ConnectionString { get; }

    public static async Task<BenchAzurite> StartAsync(string? configured, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new BenchAzurite(null, configured);
        }

        var executable = Path.GetFullPath(Path.Combine("tools", "azurite", "node_modules", ".bin", "azurite"));
        if (!File.Exists(executable))
        {
            return new BenchAzurite(null, null);
        }

        int blobPort = FreePort(), queuePort = FreePort(), tablePort = FreePort();
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in new[] { "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--inMemoryPersistence", "--blobHost", "127.0.0.1", "--blobPort", $"{blobPort}", "--queueHost", "127.0.0.1", "--queuePort", $"{queuePort}", "--tableHost", "127.0.0.1", "--tablePort", $"{tablePort}" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Azurite");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await CanConnectAsync(queuePort, cancellationToken) || !await CanConnectAsync(blobPort, cancellationToken))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
            }

            await Task.Delay(100, cancellationToken);
        }

        return new BenchAzurite(process, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
            $";BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
        }

        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> CanConnectAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
