using System.Collections;
using System.Text.RegularExpressions;

namespace Daedalus.Configuration;

/// <summary>
/// Loads <c>daedalus.yaml</c>, overlays <c>environments/{env}.yaml</c> beside it, then applies
/// <c>DAEDALUS_CONFIG__path__to__field</c> environment variables, adds the tables of a <c>tables.yaml</c> beside it
/// (<see cref="TablesFile"/>; overlays apply through its connection source), and validates the result.
/// Every error is reported at once, each with its file, line and field path.
/// </summary>
public sealed partial class ConfigLoader
{
    public const string EnvironmentPrefix = "DAEDALUS_CONFIG__";

    private readonly SourceDefinitionValidator _validator;

    public ConfigLoader(SourceDefinitionValidator validator)
    {
        _validator = validator;
    }

    public IReadOnlyList<SourceDefinition> Load(string path, string? environment = null, IDictionary? environmentVariables = null) =>
        LoadConfig(path, environment, environmentVariables).Sources;

    /// <summary>The sources and the global notification channels.</summary>
    public DaedalusConfig LoadConfig(string path, string? environment = null, IDictionary? environmentVariables = null)
    {
        var errors = new List<ConfigError>();
        if (!File.Exists(path))
        {
            throw new ConfigException([new ConfigError("", "file not found", path)]);
        }

        var root = ConfigFileReader.Parse(File.ReadAllText(path), path, errors);
        if (!string.IsNullOrWhiteSpace(environment))
        {
            var overlayPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "environments", $"{environment}.yaml");
            if (!File.Exists(overlayPath))
            {
                errors.Add(new ConfigError("", $"environment '{environment}' has no overlay file", overlayPath));
            }
            else
            {
                root = ConfigNode.Merge(root, ConfigFileReader.Parse(File.ReadAllText(overlayPath), overlayPath, errors));
            }
        }

        root = ApplyEnvironment(root, environmentVariables ?? Environment.GetEnvironmentVariables(), errors);

        var reader = new SourceConfigReader(errors);
        var sources = reader.Read(root);

        // Where an error about a source's field points: its daedalus.yaml node, or its tables.yaml entry.
        var placers = new Dictionary<SourceDefinition, Func<ConfigError, ConfigError>>(ReferenceEqualityComparer.Instance);
        foreach (var source in sources)
        {
            placers[source] = error =>
            {
                var node = Locate(root, error.Path);
                return error with { File = node.Origin, Line = node.Line };
            };
            foreach (var error in _validator.Validate(source, $"sources.{source.Name}"))
            {
                errors.Add(placers[source](error));
            }
        }

        // The seed's table list, when there is one beside the file: one Snowflake source per table.
        var tablesPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, TablesFile.FileName);
        if (File.Exists(tablesPath) && !string.Equals(Path.GetFullPath(path), tablesPath, StringComparison.Ordinal))
        {
            var tablesRoot = ConfigFileReader.Parse(File.ReadAllText(tablesPath), tablesPath, errors);
            foreach (var entry in new TablesFileReader(errors).Read(tablesRoot, sources))
            {
                placers[entry.Source] = error =>
                {
                    var (field, node) = entry.Locate(error.Path);
                    return new ConfigError(field, error.Message, node.Origin, node.Line);
                };
                foreach (var error in _validator.Validate(entry.Source, $"sources.{entry.Source.Name}"))
                {
                    errors.Add(placers[entry.Source](error));
                }

                sources.Add(entry.Source);
            }
        }

        // One table, one owner, across both files: the later claim is refused, naming the earlier one and where it is.
        var byName = sources.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var clash in TargetOwnership.Clashes(sources))
        {
            var owner = placers[byName[clash.Owner.Source]](new ConfigError($"sources.{clash.Owner.Source}.streams.{clash.Owner.Stream}.target", ""));
            var where = owner.File is null ? "" : owner.Line is null ? $" ({owner.File})" : $" ({owner.File}:{owner.Line})";
            errors.Add(placers[byName[clash.Claim.Source]](new ConfigError($"sources.{clash.Claim.Source}.{clash.Field}", clash.Message + where)));
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        return new DaedalusConfig(sources, reader.Notifications);
    }

    private static ConfigNode ApplyEnvironment(ConfigNode root, IDictionary variables, List<ConfigError> errors)
    {
        foreach (DictionaryEntry entry in variables)
        {
            var name = (string)entry.Key;
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var segments = name[EnvironmentPrefix.Length..].Split("__", StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length == 0)
            {
                continue;
            }

            // The value is YAML so lists and mappings can be overridden too ("[a, b]").
            var origin = $"environment variable {name}";
            var value = ConfigFileReader.Parse((string?)entry.Value ?? "", origin, errors);
            var overlay = value;
            for (var i = segments.Length - 1; i >= 0; i--)
            {
                var map = ConfigNode.MapNode(origin, null);
                map.Map![segments[i]] = overlay;
                overlay = map;
            }

            root = ConfigNode.Merge(root, overlay);
        }

        return root;
    }

    /// <summary>The deepest node along a field path, so an error points at the closest line that exists.</summary>
    private static ConfigNode Locate(ConfigNode root, string path)
    {
        var node = root;
        foreach (Match part in PathPart().Matches(path))
        {
            ConfigNode? next = null;
            if (part.Groups["key"].Success && node.Map is not null)
            {
                node.Map.TryGetValue(part.Groups["key"].Value, out next);
            }
            else if (part.Groups["index"].Success && node.List is not null)
            {
                var index = int.Parse(part.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
                next = index < node.List.Count ? node.List[index] : null;
            }

            if (next is null)
            {
                break;
            }

            node = next;
        }

        return node;
    }

    [GeneratedRegex(@"(?<key>[^.\[\]]+)|\[(?<index>\d+)\]")]
    private static partial Regex PathPart();
}
