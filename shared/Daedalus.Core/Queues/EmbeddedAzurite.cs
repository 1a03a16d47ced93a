using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Daedalus.Queues;

/// <summary>
/// The storage default of <c>daedalus serve</c>, as <see cref="Storage.EmbeddedPostgres"/> is the database's: the
/// project's pinned Azurite (tools/azurite, installed by <c>npm ci</c> there; else <c>azurite</c> on PATH) on loopback
/// ports, its data under a directory of ours (<c>.daedalus/azurite</c>), so queued pulls and batches survive a
/// restart. An Azurite already running there (started by another serve) is reused and left running; one started here
/// is stopped by <see cref="DisposeAsync"/>. Started with <c>--skipApiVersionCheck</c>: the storage SDK speaks a newer
/// service version than Azurite releases know, and every call would otherwise be refused.
/// </summary>
public sealed class EmbeddedAzurite : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public; it guards nothing but a loopback emulator).</summary>
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The flags every start uses, also the ones docs/hosting.md tells people to use.</summary>
    public static readonly IReadOnlyList<string> Flags = ["--silent", "--disableTelemetry", "--skipApiVersionCheck"];

    private readonly Process? _process;
    private readonly string _portsFile;

    private EmbeddedAzurite(string directory, int blobPort, int queuePort, Process? process, string portsFile)
    {
        Directory = directory;
        BlobPort = blobPort;
        QueuePort = queuePort;
        _process = process;
        _portsFile = portsFile;
    }

    public string Directory { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    /// <summary>Whether this process started it (and stops it when disposed), as opposed to reusing a running one.</summary>
    public bool Started => _process is not null;

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
        $";BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;";

    /// <summary>The Azurite executable: tools/azurite above the working directory or above this program, else on PATH; null when none.</summary>
    public static string? FindExecutable()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tools", "azurite", "node_modules", ".bin", "azurite");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "azurite")).FirstOrDefault(File.Exists);
    }

    /// <summary>Reuses the Azurite running in <paramref name="directory"/>, or starts one; <see cref="StorageConnectionException"/> with what to do when it cannot.</summary>
    public static async Task<EmbeddedAzurite> StartAsync(string directory, CancellationToken cancellationToken)
    {
        directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(directory);
        var portsFile = Path.Combine(directory, "ports");
        if (File.Exists(portsFile))
        {
            var ports = (await File.ReadAllTextAsync(portsFile, cancellationToken)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (ports.Length == 2 && int.TryParse(ports[0], CultureInfo.InvariantCulture, out var blob) && int.TryParse(ports[1], CultureInfo.InvariantCulture, out var queue)
                && await CanConnectAsync(blob, cancellationToken) && await CanConnectAsync(queue, cancellationToken))
            {
                return new EmbeddedAzurite(directory, blob, queue, null, portsFile);
            }
        }

        var executable = FindExecutable() ?? throw new StorageConnectionException(
            "no storage configured and Azurite was not found: run `npm ci` in tools/azurite, or set AzureWebJobsStorage to a storage connection string");
        int blobPort = FreePort(), queuePort = FreePort(), tablePort = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in Flags.Concat(
        [
            "--location", directory,
            "--blobHost", "127.0.0.1", "--blobPort", $"{blobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queuePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{tablePort}",
        ]))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new StorageConnectionException($"could not start Azurite ({executable})");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await CanConnectAsync(queuePort, cancellationToken) && await CanConnectAsync(blobPort, cancellationToken)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                Stop(process);
                string said;
                lock (output)
                {
                    said = output.ToString().Trim().ReplaceLineEndings(" ");
                }

                throw new StorageConnectionException($"Azurite ({executable}) did not start in {directory}: {(said.Length > 0 ? said : "no output")}");
            }

            await Task.Delay(100, cancellationToken);
        }

        await File.WriteAllTextAsync(portsFile, $"{blobPort} {queuePort}", cancellationToken);
        return new EmbeddedAzurite(directory, blobPort, queuePort, process, portsFile);
    }

    public ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            Stop(_process);
            _process.Dispose();
            try
            {
                File.Delete(_portsFile);
            }
            catch (IOException)
            {
            }
        }

        return ValueTask.CompletedTask;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
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
