using Daedalus.Cli.Commands;

var root = CliCommandTree.Create();
TerminalWidth.Apply();
return await root.Parse(args).InvokeAsync();
