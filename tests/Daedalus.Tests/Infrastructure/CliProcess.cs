using System.Diagnostics;

namespace Daedalus.Tests.Infrastructure;

/// <summary>Runs the built <c>daedalus</c> CLI as a child process, with a clean environment, and captures its output.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>The CLI's build output for the configuration these tests were built in (the test project builds it).</summary>
    public static string Assembly
    {
        get
        {
            var bin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var framework = Path.GetFileName(bin);
            var configuration = Path.GetFileName(Path.GetDirectoryName(bin)!);
            var root = bin;
            while (!File.Exists(Path.Combine(root, "Daedalus.sln")))
            {
                root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found above " + bin);
            }

            return Path.Combine(root, "cli", "Daedalus.Cli", "bin", configuration, framework, "daedalus.dll");
        }
    }

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, string workingDirectory, params string[] args)
    {
        SharedAzuriteQueues.Require(environment);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DAEDALUS", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Daedalus__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"daedalus {string.Join(' ', args)} did not finish within 2 minutes");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
