using System.Globalization;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary>
/// Table width when output is piped or redirected: Spectre.Console then assumes 80 columns, which wraps every run id
/// over several lines. <c>COLUMNS</c> wins when set (20-1000); otherwise 200.
/// </summary>
public static class TerminalWidth
{
    public const int Redirected = 200;

    public static void Apply()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns is >= 20 and <= 1000)
        {
            AnsiConsole.Profile.Width = columns;
        }
        else if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Redirected;
        }
    }
}
