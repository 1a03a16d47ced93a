using System.CommandLine;
using Daedalus.Application;
using Daedalus.Application.Keys;
using Daedalus.Security;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary>
/// <c>daedalus keys create|revoke|list</c>: an admin operation on the local database through <see cref="KeyService"/>
/// (it works before any key exists). The key is printed once; only its hash is stored.
/// </summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "What the key is for (grafana, ci...)", Required = true };
        var scopes = new Option<string[]>("--scope", "-s")
        {
            Description = "read and/or write (repeatable; write implies read on read routes)",
            DefaultValueFactory = _ => [ApiKeyStore.ReadScope],
            AllowMultipleArgumentsPerToken = true,
        };
        scopes.AcceptOnlyFromAmong(ApiKeyStore.Scopes);
        var create = new Command("create", "Create an API key and print it once") { name, scopes };
        create.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await StartAsync(parse, cancellationToken);
            var created = await Keys(provider).CreateAsync(parse.GetValue(name)!, parse.GetValue(scopes)!, cancellationToken);
            if (!created.IsOk)
            {
                await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, created.Error.Errors!.SelectMany(e => e.Value.Select(m => $"--{e.Key}: {m}"))));
                return ExitCodes.InvalidInput;
            }

            var (id, key) = created.Value;
            if (parse.GetValue(CommonOptions.Json))
            {
                ApiCommand.WriteJson(new { id, key, scopes = parse.GetValue(scopes) });
            }
            else
            {
                Console.WriteLine(key);
                await Console.Error.WriteLineAsync($"key {id} created; it is shown only now, store it safely (revoke with: daedalus keys revoke {id})");
            }

            return ExitCodes.Ok;
        });

        var id = new Argument<string>("id") { Description = "Key id (the part after dk_, or see keys list)" };
        var revoke = new Command("revoke", "Revoke an API key (applies within the server's key cache time, 10 s by default)") { id };
        revoke.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await StartAsync(parse, cancellationToken);
            if (await Keys(provider).RevokeAsync(parse.GetValue(id)!, cancellationToken) is { IsOk: false } missing)
            {
                await Console.Error.WriteLineAsync(missing.Error.Detail);
                return ExitCodes.NotFound;
            }

            Console.WriteLine($"key {parse.GetValue(id)} revoked");
            return ExitCodes.Ok;
        });

        var list = new Command("list", "List API keys (ids, names, scopes; never the keys)");
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await StartAsync(parse, cancellationToken);
            var keys = await Keys(provider).ListAsync(cancellationToken);
            if (parse.GetValue(CommonOptions.Json))
            {
                ApiCommand.WriteItems(keys);
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "name", "scopes", "created", "revoked");
            foreach (var k in keys)
            {
                table.AddRow(ConsoleCell.Row(k.Id, k.Name, string.Join(", ", k.Scopes), k.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), k.RevokedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? ""));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        });

        return new Command("keys", "API keys (local database administration)") { create, revoke, list };
    }

    private static Task<ServiceProvider> StartAsync(ParseResult parse, CancellationToken cancellationToken) =>
        CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken, configure: services => services.AddDaedalusApplication());

    private static KeyService Keys(IServiceProvider provider) => provider.GetRequiredService<KeyService>();
}
