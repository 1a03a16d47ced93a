using System.CommandLine;
using Daedalus.Cli.Commands;

var root = new RootCommand("daedalus: keeps business data flowing from SaaS and warehouse sources into PostgreSQL")
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
TerminalWidth.Apply();
return await root.Parse(args).InvokeAsync();
