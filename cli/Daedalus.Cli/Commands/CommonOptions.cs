using System.CommandLine;

namespace Daedalus.Cli.Commands;

/// <summary>Options every command shares.</summary>
public static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Log what happens (information level)", Recursive = true };

    public static readonly Option<bool> Json = new("--json") { Description = "Machine-readable JSON output", Recursive = true };

    public static readonly Option<string?> ApiUrl = new("--api-url")
    {
        Description = "Talk to this Daedalus server (default: DAEDALUS_API_URL; without one the API is hosted in this process on the local database)",
        Recursive = true,
    };

    public static readonly Option<string?> ApiKey = new("--api-key") { Description = "API key for --api-url (default: DAEDALUS_API_KEY)", Recursive = true };

    public static readonly Option<string?> FunctionKey = new("--function-key")
    {
        Description = "Function key when --api-url is an Azure Function App, sent as x-functions-key (default: DAEDALUS_FUNCTION_KEY)",
        Recursive = true,
    };
}
