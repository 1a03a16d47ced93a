using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// <c>daedalus serve</c>'s storage, as a user starts it (the built CLI as a child process): with none configured it
/// starts the project's Azurite under .daedalus/azurite, says where, and stops it when it stops; a configuration error
/// is one line and a non-zero exit code, never a stack trace.
/// </summary>
public sealed class ServeStorageTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", "serve-" + Guid.NewGuid().ToString("N"));

    public ServeStorageTests()
    {
        Directory.CreateDirectory(_directory);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<Dictionary<string, string>> EnvironmentAsync() => new()
    {
        ["Daedalus__Database__ConnectionString"] = await PostgresServer.CreateDatabaseAsync("serve_storage"),
        ["Daedalus__Security__KeyFile"] = Path.Combine(_directory, "keys.json"),
        ["Daedalus__Security__SecretFile"] = Path.Combine(_directory, "secrets.json"),
    };

    [Fact]
    public async Task Serve_with_no_storage_starts_the_embedded_Azurite_says_where_and_stops_it_when_it_stops()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _directory };
        foreach (var argument in new[] { CliProcess.Assembly, "serve", "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Daedalus", StringComparison.OrdinalIgnoreCase) || k.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in await EnvironmentAsync())
        {
            start.Environment[name] = value;
        }

        using var serve = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        serve.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        serve.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        string Said()
        {
            lock (output)
            {
                return output.ToString();
            }
        }

        try
        {
            var portsFile = Path.Combine(_directory, ".daedalus", "azurite", "ports");
            await Eventually.TrueAsync(() => Task.FromResult(Said().Contains("Application started", StringComparison.Ordinal) || serve.HasExited), TimeSpan.FromSeconds(90), "serve started\n" + Said());
            Assert.False(serve.HasExited, Said());
            Assert.Contains($"embedded Azurite in {Path.Combine(_directory, ".daedalus", "azurite")}", Said(), StringComparison.Ordinal);
            var queuePort = int.Parse((await File.ReadAllTextAsync(portsFile)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(await AnswersAsync(queuePort));
            // The workers use it: the queues exist (Azurite keeps its data under the directory).
            Assert.DoesNotContain("Exception", Said(), StringComparison.Ordinal);

            // Stopped like a service manager stops it (SIGTERM): Azurite goes with it.
            using (var term = Process.Start("kill", ["-TERM", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await serve.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, serve.ExitCode);
            Assert.False(await AnswersAsync(queuePort), "Azurite still answers after serve stopped");
            Assert.False(File.Exists(portsFile));
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task A_storage_setting_that_is_not_a_connection_string_ends_serve_with_one_line_and_exit_code_2()
    {
        var environment = await EnvironmentAsync();
        environment["AzureWebJobsStorage"] = "not a connection string";

        var result = await CliProcess.RunAsync(environment, _directory, "serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "one line:\n" + result.Error + result.Output);
        Assert.StartsWith("daedalus serve: setting AzureWebJobsStorage is not a valid storage connection string", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error + result.Output, StringComparison.Ordinal);
    }

    private static async Task<bool> AnswersAsync(int port)
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
