using System.Security.Cryptography;
using System.Text.Json;

namespace Daedalus.Security;

/// <summary>
/// Keys in a local JSON file, created with mode 0600 and one random key on first use.
/// <see cref="RotateAsync"/> adds a new active key; old keys stay so old values still decrypt.
/// </summary>
public sealed class LocalKeyFileProvider : IKeyProvider
{
    private readonly string _path;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private KeyFile? _cache;

    public LocalKeyFileProvider(string path)
    {
        _path = path;
    }

    public string Path => _path;

    public async ValueTask<ProtectionKey> GetActiveKeyAsync(CancellationToken cancellationToken)
    {
        var file = await LoadAsync(cancellationToken);
        return new ProtectionKey(file.Active, Convert.FromBase64String(file.Keys[file.Active]));
    }

    public async ValueTask<ProtectionKey?> GetKeyAsync(string id, CancellationToken cancellationToken)
    {
        var file = await LoadAsync(cancellationToken);
        return file.Keys.TryGetValue(id, out var material) ? new ProtectionKey(id, Convert.FromBase64String(material)) : null;
    }

    public async Task<string> RotateAsync(CancellationToken cancellationToken)
    {
        var file = await LoadAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var id = NewKeyId();
            file.Keys[id] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            file.Active = id;
            await WriteAsync(file, cancellationToken);
            return id;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string NewKeyId() => "k" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));

    private async ValueTask<KeyFile> LoadAsync(CancellationToken cancellationToken)
    {
        if (_cache is not null)
        {
            return _cache;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cache is not null)
            {
                return _cache;
            }

            if (File.Exists(_path))
            {
                await using var stream = File.OpenRead(_path);
                _cache = await JsonSerializer.DeserializeAsync<KeyFile>(stream, cancellationToken: cancellationToken)
                    ?? throw new InvalidOperationException($"key file {_path} is empty");
                if (!_cache.Keys.ContainsKey(_cache.Active))
                {
                    throw new InvalidOperationException($"key file {_path}: active key '{_cache.Active}' is not in keys");
                }
            }
            else
            {
                var id = NewKeyId();
                _cache = new KeyFile { Active = id, Keys = { [id] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) } };
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path))!);
                await WriteAsync(_cache, cancellationToken);
            }

            return _cache;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task WriteAsync(KeyFile file, CancellationToken cancellationToken)
    {
        var temp = _path + ".tmp";
        await using (var stream = OwnerOnlyFile.Create(temp))
        {
            await JsonSerializer.SerializeAsync(stream, file, cancellationToken: cancellationToken);
        }

        File.Move(temp, _path, overwrite: true);
    }

    private sealed class KeyFile
    {
        public string Active { get; set; } = "";

        public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);
    }
}
