using System.CommandLine;

namespace Daedalus.Cli.Commands;

/// <summary>Options every command shares.</summary>
public static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Log what happens (information level)", Recursive = true };

    public static readonly Option<bool> Json = new("--json") { Description = "Machine-readable JSON output", Recursive = true };
}
