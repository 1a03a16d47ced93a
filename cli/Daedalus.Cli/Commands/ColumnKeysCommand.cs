using System.CommandLine;
using Daedalus.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus column-keys rotate</c>: a new active key for protected columns; old keys stay so old values decrypt.</summary>
public static class ColumnKeysCommand
{
    public static Command Create()
    {
        var rotate = new Command("rotate", "Add a new active column key to the local key file (old keys stay, so existing values still decrypt)");
        rotate.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken, migrate: false);
            if (provider.GetRequiredService<IKeyProvider>() is not LocalKeyFileProvider keys)
            {
                await Console.Error.WriteLineAsync("The key provider is not the local key file: rotate in Key Vault instead (see docs/SECURITY.md).");
                return ExitCodes.InvalidInput;
            }

            var id = await keys.RotateAsync(cancellationToken);
            Console.WriteLine($"New active column key {id} in {Path.GetFullPath(keys.Path)}. New values are encrypted with it; hashed columns change from now on (see docs/SECURITY.md).");
            return ExitCodes.Ok;
        });
        return new Command("column-keys", "Keys that protect encrypted and hashed columns") { rotate };
    }
}
