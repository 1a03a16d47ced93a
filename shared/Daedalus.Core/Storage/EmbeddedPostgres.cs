using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Daedalus.Storage;

/// <summary>
/// A private PostgreSQL cluster from the distro's server binaries (initdb, pg_ctl), in a directory of
/// ours, on a free loopback port. Reused when already running. PostgreSQL refuses to run as root, so
/// as root the cluster is owned and run by the <c>postgres</c> user.
/// </summary>
public sealed class EmbeddedPostgres
{
    private const string Database = "daedalus";
    private readonly string _directory;
    private readonly int _maxConnections;

    /// <param name="directory">Where the cluster lives (data/ and its log).</param>
    /// <param name="maxConnections">
    /// The server's max_connections. 200 serves one host's pools; the test suite raises it, because its test classes
    /// share one cluster in parallel, each with its own database and pool.
    /// </param>
    public EmbeddedPostgres(string directory, int maxConnections = 200)
    {
        _directory = Path.GetFullPath(directory);
        _maxConnections = maxConnections;
    }

    public string DataDirectory => Path.Combine(_directory, "data");

    public string LogFile => Path.Combine(_directory, "postgres.log");

    private string PortFile => Path.Combine(_directory, "port");

    public static string? FindBinDirectory()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl")) && File.Exists(Path.Combine(d, "initdb")));
    }

    /// <summary>Starts the cluster if needed and returns a connection string to its <c>daedalus</c> database.</summary>
    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql; install postgresql-15 or set Daedalus__Database__ConnectionString");
        Directory.CreateDirectory(_directory);
        var asRoot = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", _directory], asPostgres: false, cancellationToken);
        }

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"], asRoot, cancellationToken);
        }

        var port = await IsRunningAsync(bin, asRoot, cancellationToken) && File.Exists(PortFile)
            ? int.Parse(await File.ReadAllTextAsync(PortFile, cancellationToken), CultureInfo.InvariantCulture)
            : await StartServerAsync(bin, asRoot, cancellationToken);

        var admin = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
        await using (var connection = new Npgsql.NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var exists = new Npgsql.NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = Database } } };
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {Database}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return $"Host=127.0.0.1;Port={port};Username=postgres;Database={Database}";
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory();
        if (bin is null || !File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return;
        }

        var asRoot = Environment.UserName == "root";
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"], asRoot, cancellationToken, allowFailure: true);
    }

    private async Task<bool> IsRunningAsync(string bin, bool asRoot, CancellationToken cancellationToken) =>
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, "status"], asRoot, cancellationToken, allowFailure: true) == 0;

    private async Task<int> StartServerAsync(string bin, bool asRoot, CancellationToken cancellationToken)
    {
        var port = FreePort();
        // Loopback only; the socket directory is ours so nothing collides with a system cluster.
        var options = $"-p {port} -c listen_addresses=127.0.0.1 -k {DataDirectory} -c max_wal_size=2GB -c max_connections={_maxConnections}";
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"], asRoot, cancellationToken);
        await File.WriteAllTextAsync(PortFile, port.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return port;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<int> RunAsync(string file, string[] arguments, bool asPostgres, CancellationToken cancellationToken, bool allowFailure = false)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await stderr}{await stdout} (log: {LogFile})");
        }

        return process.ExitCode;
    }
}
