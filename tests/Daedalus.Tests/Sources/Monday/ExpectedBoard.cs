using System.Globalization;
using System.Text.Json.Nodes;

namespace Daedalus.Tests.Sources.Monday;

/// <summary>
/// What the target table must hold, derived from the typed fixtures (not from the plugin): active items as they
/// are; an archived/deleted item keeps the values it was last stored with (their updated_at included) and is
/// marked deleted (that is the loader's soft-delete rule).
/// </summary>
public sealed class ExpectedBoard
{
    private readonly SortedDictionary<long, string> _rows = [];

    public IReadOnlyCollection<string> Rows => _rows.Values;

    public void Apply(IEnumerable<FixtureItem> items)
    {
        foreach (var item in items)
        {
            var deleted = item.State is "archived" or "deleted";
            if (deleted && _rows.TryGetValue(item.Id, out var previous))
            {
                // The stored row keeps its values and their updated_at; the delete's own time goes to _daedalus_deleted_cursor.
                var fields = previous.Split('|');
                fields[^1] = "deleted";
                _rows[item.Id] = string.Join('|', fields);
            }
            else
            {
                _rows[item.Id] = Row(item, deleted);
            }
        }
    }

    public static string Row(FixtureItem item, bool deleted)
    {
        var cells = FakeMondayServer.Cells(item).ToDictionary(c => c.Id, c => c.Value);
        object?[] values =
        [
            item.Id, item.Name, item.Group, item.State, item.UpdatedAt,
            item.Status, item.Notes, item.Budget, item.Due, item.Done, item.Priority, item.StartTime,
            Json(cells["person"]), Json(cells["timeline"]), item.Email, item.Stage,
            Links("linked_item_ids", item.Clients), item.Clients.Count == 0 ? null : string.Join(", ", item.Clients.Select(c => MondayFixtures.TierOf(c.Id))),
            item.Score, Links("linked_item_ids", item.BlockedBy), Links("subitems_ids", item.Subitems),
        ];
        return string.Join('|', values.Select(Format).Append(deleted ? "deleted" : "live"));
    }

    public static string Format(object? value) => value switch
    {
        null => "∅",
        DateTimeOffset t => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        TimeSpan t => TimeOnly.FromTimeSpan(t).ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        JsonNode j => j.ToJsonString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "∅",
    };

    /// <summary>A relation column as documented in docs/plugins/monday.md: the linked ids (strings) and the names; NULL when nothing is linked.</summary>
    public static JsonNode? Links(string idsField, IReadOnlyList<(long Id, string Name)> links) => links.Count == 0
        ? null
        : Sort(new JsonObject
        {
            [idsField] = new JsonArray([.. links.Select(l => JsonValue.Create(l.Id.ToString(CultureInfo.InvariantCulture)))]),
            ["display_value"] = string.Join(", ", links.Select(l => l.Name)),
        });

    /// <summary>JSON with keys sorted, so jsonb's key order does not matter.</summary>
    public static JsonNode? Json(string? text) => text is null ? null : Sort(JsonNode.Parse(text));

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sort)]),
        JsonValue v => JsonNode.Parse(v.ToJsonString()),
        _ => null,
    };
}
