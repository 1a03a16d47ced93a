using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Daedalus.WebConsole;

/// <summary>
/// The built console (console/dist, embedded in this assembly at build time as <c>console/…</c> resources): each file's
/// bytes, content type and a strong ETag (SHA-256 of the bytes), read once. Empty when the assembly was built without it.
/// </summary>
public sealed class WebConsoleAssets
{
    private const string Prefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<WebConsoleAssets> Embedded = new(() => Load(typeof(WebConsoleAssets).Assembly));

    private readonly FrozenDictionary<string, WebConsoleAsset> _files;

    private WebConsoleAssets(FrozenDictionary<string, WebConsoleAsset> files)
    {
        _files = files;
    }

    /// <summary>The files embedded in Daedalus.Core.</summary>
    public static WebConsoleAssets Current => Embedded.Value;

    /// <summary>False when the assembly was built without console/dist (the console then answers 404).</summary>
    public bool IsBuilt => _files.ContainsKey("index.html");

    /// <summary>A file by its path under dist/ ("index.html", "console.js"); null when there is none.</summary>
    public WebConsoleAsset? Find(string path) => _files.GetValueOrDefault(path);

    private static WebConsoleAssets Load(Assembly assembly)
    {
        var files = new Dictionary<string, WebConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var path = name[Prefix.Length..].Replace('\\', '/');
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            files[path] = new WebConsoleAsset(bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
        }

        return new WebConsoleAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
