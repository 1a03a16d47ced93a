using System.CommandLine;
using Daedalus.Application;
using Daedalus.Application.Decrypt;
using Daedalus.Security;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary>
/// <c>daedalus decrypt &lt;source&gt; &lt;stream&gt; --column c [--key k ...| --limit n]</c>: the plaintext of encrypted columns,
/// for an operator who holds the column key, read from the local database (or the one in
/// <c>Daedalus__Database__ConnectionString</c>) with the configured key provider. Every read is audited first (see
/// <see cref="ProtectedValueReader"/>). Local only: plaintext is never served over HTTP, so there is no API route.
/// </summary>
public static class DecryptCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "Source name" };
        var stream = new Argument<string>("stream") { Description = "Stream name" };
        var columns = new Option<string[]>("--column", "-c")
        {
            Description = "Encrypted column to read back, as named in the target table (repeatable)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var keys = new Option<string[]>("--key", "-k")
        {
            Description = "Primary key value of a row to read (repeatable; tables with a single-column primary key)",
            AllowMultipleArgumentsPerToken = true,
        };
        var limit = new Option<int>("--limit", "-n")
        {
            Description = $"Without --key: the first N rows in primary key order (at most {ProtectedValueReader.MaxRows})",
            DefaultValueFactory = _ => 10,
        };
        var command = new Command("decrypt", "Read encrypted column values back in plain text (needs the column key; every read is audited)")
        {
            source, stream, columns, keys, limit,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(CommonOptions.ApiUrl) is not null)
            {
                await Console.Error.WriteLineAsync("decrypt runs only where the column key is (the database and key provider of this machine): plaintext is not served over HTTP. Drop --api-url.");
                return ExitCodes.InvalidInput;
            }

            if (parse.GetResult(keys) is { Implicit: false } && parse.GetResult(limit) is { Implicit: false })
            {
                await Console.Error.WriteLineAsync("give either --key or --limit, not both");
                return ExitCodes.InvalidInput;
            }

            await using var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken, configure: services => services.AddDaedalusApplication());
            if (provider.GetRequiredService<IKeyProvider>() is LocalKeyFileProvider local && !File.Exists(local.Path))
            {
                // The local provider would create a fresh key on first use: say that the key is missing instead.
                await Console.Error.WriteLineAsync($"There is no column key file at {Path.GetFullPath(local.Path)} (Daedalus__Security__KeyFile): decrypt needs the key file that encrypted the values.");
                return ExitCodes.Denied;
            }

            var request = new DecryptRequest(parse.GetValue(source)!, parse.GetValue(stream)!, parse.GetValue(columns) ?? [], parse.GetValue(keys) ?? [], parse.GetValue(limit));
            DecryptedValues values;
            try
            {
                values = await provider.GetRequiredService<ProtectedValueReader>().ReadAsync(request, Actor(), cancellationToken);
            }
            catch (DecryptRefusedException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ex.Reason switch
                {
                    DecryptRefusal.NotFound => ExitCodes.NotFound,
                    DecryptRefusal.Invalid => ExitCodes.InvalidInput,
                    DecryptRefusal.KeyRefused => ExitCodes.Denied,
                    _ => ExitCodes.Failed,
                };
            }

            if (values.MissingKeys.Count > 0)
            {
                await Console.Error.WriteLineAsync($"no row has the primary key {string.Join(", ", values.MissingKeys.Select(k => $"'{SafeKey(k)}'"))}");
            }

            if (parse.GetValue(CommonOptions.Json))
            {
                ApiCommand.WriteJson(values);
            }
            else
            {
                var keyColumns = values.Items.Count > 0 ? values.Items[0].Key.Keys.ToList() : [];
                var table = new Table().Border(TableBorder.Rounded).AddColumns([.. keyColumns, .. values.Columns]);
                foreach (var row in values.Items)
                {
                    table.AddRow(ConsoleCell.Row([.. keyColumns.Select(k => row.Key[k]), .. values.Columns.Select(c => row.Values[c])]));
                }

                AnsiConsole.Write(table);
                await Console.Error.WriteLineAsync($"{values.Items.Count} row(s) of {values.Table} decrypted; the read is in the audit log");
            }

            return values.Items.Count == 0 && values.MissingKeys.Count > 0 ? ExitCodes.NotFound : values.MissingKeys.Count > 0 ? ExitCodes.Partial : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Who the audit log names: the operating system user of this process (the key file's reader).</summary>
    public static string Actor() => $"cli:{Environment.UserName}";

    private static string SafeKey(string key) => key.Length <= 64 && key.All(c => c >= ' ' && c < 0x7f) ? key : "(unprintable)";
}
