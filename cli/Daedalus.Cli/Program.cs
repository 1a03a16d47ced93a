using System.CommandLine;
using Daedalus.Cli.Commands;

var root = new RootCommand("daedalus: keeps business data flowing from SaaS and warehouse sources into PostgreSQL")
{
    CommonOptions.Verbose,
    CommonOptions.Json,
    SyncCommand.Create(),
    ServeCommand.Create(),
    BatchesCommand.Create(),
    SourcesCommand.Create(),
    DbCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
