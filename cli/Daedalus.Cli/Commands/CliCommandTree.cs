using System.CommandLine;

namespace Daedalus.Cli.Commands;

/// <summary>
/// Every <c>daedalus</c> command and option, as <c>Program</c> runs them. Public so the docs tests can parse the
/// documented command lines with the real tree (a renamed command or option breaks them).
/// </summary>
public static class CliCommandTree
{
    public static RootCommand Create() => new("daedalus: keeps business data flowing from SaaS and warehouse sources into PostgreSQL")
    {
        CommonOptions.Verbose,
        CommonOptions.Json,
        CommonOptions.ApiUrl,
        CommonOptions.ApiKey,
        CommonOptions.FunctionKey,
        SyncCommand.Create(),
        ServeCommand.Create(),
        SourcesCommand.Create(),
        RunsCommand.Create(),
        StatusCommand.Create(),
        BatchesCommand.Create(),
        CatalogCommand.Create(),
        KeysCommand.Create(),
        ColumnKeysCommand.Create(),
        DecryptCommand.Create(),
        DbCommand.Create(),
        BenchCommand.Create(),
        ApiBenchCommand.Create(),
    };
}
