namespace Daedalus.Sources;

/// <summary>Looks plugins up by the name config uses.</summary>
public sealed class SourcePluginRegistry
{
    private readonly Dictionary<string, ISourcePlugin> _plugins;

    public SourcePluginRegistry(IEnumerable<ISourcePlugin> plugins)
    {
        _plugins = plugins.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<string> Names => _plugins.Keys;

    public bool TryGet(string name, out ISourcePlugin plugin) => _plugins.TryGetValue(name, out plugin!);

    public ISourcePlugin Get(string name) =>
        _plugins.TryGetValue(name, out var plugin)
            ? plugin
            : throw new SourceException($"no source plugin named '{name}' (known: {string.Join(", ", _plugins.Keys)})");
}
