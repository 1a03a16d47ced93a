using System.Text.Json;

namespace Daedalus.Tests.Docs;

/// <summary>
/// Compares a JSON answer with the one a doc shows by shape: the same property names at every level and the same
/// kinds (string, number, boolean, object, array); values may differ, and <c>null</c> on either side matches any
/// kind. A non-empty array in the doc needs a non-empty answer whose every item has the shape of the doc's first
/// (the first item that differs is reported).
/// </summary>
public static class JsonShape
{
    /// <summary>Every difference, each with its JSON path; empty when the shapes agree.</summary>
    public static IReadOnlyList<string> Differences(JsonElement documented, JsonElement actual)
    {
        var differences = new List<string>();
        Compare(documented, actual, "$", differences);
        return differences;
    }

    private static void Compare(JsonElement documented, JsonElement actual, string path, List<string> differences)
    {
        if (documented.ValueKind == JsonValueKind.Null || actual.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (Kind(documented) != Kind(actual))
        {
            differences.Add($"{path}: the doc shows {Kind(documented)}, the answer has {Kind(actual)}");
            return;
        }

        switch (documented.ValueKind)
        {
            case JsonValueKind.Object:
                var shown = documented.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                var answered = actual.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                differences.AddRange(shown.Keys.Except(answered.Keys).Select(k => $"{path}.{k}: shown in the doc, missing from the answer"));
                differences.AddRange(answered.Keys.Except(shown.Keys).Select(k => $"{path}.{k}: in the answer, not shown in the doc"));
                foreach (var name in shown.Keys.Intersect(answered.Keys))
                {
                    Compare(shown[name], answered[name], $"{path}.{name}", differences);
                }

                break;
            case JsonValueKind.Array when documented.GetArrayLength() > 0:
                if (actual.GetArrayLength() == 0)
                {
                    differences.Add($"{path}: the doc shows items, the answer has none");
                }

                // The first item that differs tells enough: the others would repeat it.
                var index = 0;
                var before = differences.Count;
                foreach (var item in actual.EnumerateArray())
                {
                    Compare(documented[0], item, $"{path}[{index++}]", differences);
                    if (differences.Count > before)
                    {
                        break;
                    }
                }

                break;
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => element.ValueKind.ToString().ToLowerInvariant(),
    };
}
