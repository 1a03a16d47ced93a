using System.Text.Json;

namespace Daedalus.Security;

/// <summary>
/// Secrets from a JSON file created with mode 0600, or else from <c>DAEDALUS_SECRET_{NAME}</c> environment
/// variables. Writes (rotated refresh tokens) go to the file, and a value in the file wins over the
/// environment: a variable can bootstrap a rotating secret, but never shadow its newer, rotated value.
/// </summary>
public sealed class LocalSecretStore : ISecretStore
{
    private readonly string _path;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public LocalSecretStore(string path)
    {
        _path = path;
    }

    public static string EnvironmentName(string name) =>
        "DAEDALUS_SECRET_" + new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray());

    public async ValueTask<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var secrets = await ReadAsync(cancellationToken);
        if (secrets.TryGetValue(name, out var value))
        {
            return value;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentName(name));
        return string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment;
    }

    public async ValueTask SetAsync(string name, string value, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var secrets = await ReadAsync(cancellationToken);
            secrets[name] = value;
            var temp = _path + ".tmp";
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            await using (var stream = OwnerOnlyFile.Create(temp))
            {
                await JsonSerializer.SerializeAsync(stream, secrets, cancellationToken: cancellationToken);
            }

            File.Move(temp, _path, overwrite: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Dictionary<string, string>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        await using var stream = File.OpenRead(_path);
        return await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(stream, cancellationToken: cancellationToken)
            ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }
}
