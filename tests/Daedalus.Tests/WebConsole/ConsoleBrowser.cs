using System.Diagnostics;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.WebConsole;

/// <summary>
/// Runs one of the console's browser scripts (console/e2e/*.mjs, playwright-core driving Debian's Chromium) against a
/// running host. Screenshots go to $DAEDALUS_CONSOLE_SCREENSHOTS when set (docs/images refreshes the docs), else to a
/// temp directory named in the output.
/// </summary>
public static class ConsoleBrowser
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, Uri baseAddress, string key)
    {
        var screenshots = Environment.GetEnvironmentVariable("DAEDALUS_CONSOLE_SCREENSHOTS") is { Length: > 0 } dir
            ? Path.GetFullPath(dir, RepositoryRoot.Path)
            : Path.Combine(Path.GetTempPath(), "daedalus-tests", "console-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(RepositoryRoot.Path, "console"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.Environment["DAEDALUS_URL"] = baseAddress.ToString();
        start.Environment["DAEDALUS_KEY"] = key;
        start.Environment["SCREENSHOTS"] = screenshots;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{script} did not finish within 5 minutes\n{await output}\n{await error}");
        }

        return (process.ExitCode, $"{await output}\n{await error}\nscreenshots: {screenshots}");
    }
}
