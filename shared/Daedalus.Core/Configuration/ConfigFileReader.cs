using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Daedalus.Configuration;

/// <summary>Reads YAML text into <see cref="ConfigNode"/>s, keeping file and line for every node.</summary>
public static class ConfigFileReader
{
    public static ConfigNode Parse(string yaml, string origin, List<ConfigError> errors)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(yaml);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            errors.Add(new ConfigError("", $"not valid YAML: {ex.InnerException?.Message ?? ex.Message}", origin, (int)ex.Start.Line));
            return ConfigNode.MapNode(origin, null);
        }

        return stream.Documents.Count == 0
            ? ConfigNode.MapNode(origin, null)
            : Convert(stream.Documents[0].RootNode, origin, "", errors);
    }

    private static ConfigNode Convert(YamlNode node, string origin, string path, List<ConfigError> errors)
    {
        var line = (int)node.Start.Line;
        switch (node)
        {
            case YamlMappingNode mapping:
                var map = ConfigNode.MapNode(origin, line);
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? "";
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    if (map.Map!.ContainsKey(key))
                    {
                        errors.Add(new ConfigError(childPath, "duplicate key", origin, (int)keyNode.Start.Line));
                    }

                    map.Map[key] = Convert(valueNode, origin, childPath, errors);
                }

                return map;
            case YamlSequenceNode sequence:
                var list = ConfigNode.ListNode(origin, line);
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    list.List!.Add(Convert(item, origin, $"{path}[{index++}]", errors));
                }

                return list;
            case YamlScalarNode scalar:
                var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null";
                return ConfigNode.ScalarNode(scalar.Value, origin, line, isNull);
            default:
                errors.Add(new ConfigError(path, "aliases and anchors are not supported", origin, line));
                return ConfigNode.ScalarNode(null, origin, line, isNull: true);
        }
    }
}
