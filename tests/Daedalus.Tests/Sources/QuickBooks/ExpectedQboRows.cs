using System.Globalization;
using System.Text.Json.Nodes;
using Daedalus.Sources;

namespace Daedalus.Tests.Sources.QuickBooks;

/// <summary>
/// What one target table must hold, derived from the typed fixtures (not from the plugin): live entities as
/// they are; a deleted one keeps the values it was last stored with, including their last_updated_time (the
/// delete's time goes to _daedalus_deleted_cursor), and is marked deleted (the loader's soft-delete rule); one never
/// stored is an id, the deletion time and the mark.
/// </summary>
public sealed class ExpectedQboRows(string entity)
{
    private readonly Dictionary<string, string[]> _rows = new(StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, (string Name, ColumnType Type, Func<QboFixture, object?> Value)[]> Columns =
        new Dictionary<string, (string, ColumnType, Func<QboFixture, object?>)[]>
        {
            ["Customer"] =
            [
                ("display_name", ColumnType.Text, e => e.Name), ("given_name", ColumnType.Text, e => e.Name!.Split(' ')[0]),
                ("family_name", ColumnType.Text, e => e.Name!.Split(' ')[1]), ("company_name", ColumnType.Text, _ => null),
                ("primary_email", ColumnType.Text, e => e.Email), ("balance", ColumnType.Decimal, e => e.Balance), ("active", ColumnType.Boolean, e => e.Active),
            ],
            ["Invoice"] =
            [
                ("doc_number", ColumnType.Text, e => e.DocNumber), ("txn_date", ColumnType.Date, e => e.TxnDate), ("due_date", ColumnType.Date, e => e.DueDate),
                ("total_amt", ColumnType.Decimal, e => e.Amount), ("balance", ColumnType.Decimal, e => e.Balance),
                ("customer_ref_value", ColumnType.Text, e => e.RefValue), ("customer_ref_name", ColumnType.Text, e => e.RefName),
            ],
            ["Payment"] =
            [
                ("txn_date", ColumnType.Date, e => e.TxnDate), ("total_amt", ColumnType.Decimal, e => e.Amount), ("unapplied_amt", ColumnType.Decimal, e => e.Balance),
                ("customer_ref_value", ColumnType.Text, e => e.RefValue), ("customer_ref_name", ColumnType.Text, e => e.RefName),
            ],
            ["Bill"] =
            [
                ("doc_number", ColumnType.Text, e => e.DocNumber), ("txn_date", ColumnType.Date, e => e.TxnDate), ("due_date", ColumnType.Date, e => e.DueDate),
                ("total_amt", ColumnType.Decimal, e => e.Amount), ("balance", ColumnType.Decimal, e => e.Balance),
                ("vendor_ref_value", ColumnType.Text, e => e.RefValue), ("vendor_ref_name", ColumnType.Text, e => e.RefName),
            ],
            ["Account"] =
            [
                ("name", ColumnType.Text, e => e.Name), ("account_type", ColumnType.Text, e => e.Kind),
                ("account_sub_type", ColumnType.Text, e => QboFixtures.AccountClass(e.Kind!).SubType),
                ("classification", ColumnType.Text, e => QboFixtures.AccountClass(e.Kind!).Classification),
                ("current_balance", ColumnType.Decimal, e => e.Balance), ("active", ColumnType.Boolean, e => e.Active),
            ],
            ["Item"] =
            [
                ("name", ColumnType.Text, e => e.Name), ("type", ColumnType.Text, e => e.Kind), ("unit_price", ColumnType.Decimal, e => e.Amount),
                ("qty_on_hand", ColumnType.Decimal, e => e.Balance), ("active", ColumnType.Boolean, e => e.Active),
            ],
        };

    /// <summary>Every column the test reads, in order: id, sync_token, the entity's fields, times, raw.</summary>
    public static (string Name, ColumnType Type, Func<QboFixture, object?> Value)[] AllColumns(string entity) =>
    [
        ("id", ColumnType.Text, e => e.Id),
        ("sync_token", ColumnType.Text, e => e.SyncToken.ToString(CultureInfo.InvariantCulture)),
        .. Columns[entity],
        ("created_time", ColumnType.Timestamp, e => e.Created),
        ("last_updated_time", ColumnType.Timestamp, e => e.Updated),
        ("raw", ColumnType.Json, e => FakeQuickBooksServer.Render(e)),
    ];

    public IReadOnlyList<string> Rows => [.. _rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => string.Join('|', r.Value))];

    public void Apply(IEnumerable<QboFixture> entities)
    {
        var columns = AllColumns(entity);
        foreach (var e in entities.Where(x => x.Entity == entity))
        {
            if (e.Deleted)
            {
                var stored = _rows.TryGetValue(e.Id, out var previous);
                var fields = stored
                    ? (string[])previous!.Clone()
                    : [.. columns.Select((c, i) => i == 0 ? e.Id : "∅"), "live"];
                if (!stored)
                {
                    // A stored row keeps the cursor of its values (the delete's own time goes to _daedalus_deleted_cursor).
                    fields[Array.FindIndex(columns, c => c.Name == "last_updated_time")] = Format(e.Updated);
                }

                fields[^1] = "deleted";
                _rows[e.Id] = fields;
            }
            else
            {
                _rows[e.Id] = [.. columns.Select(c => Format(c.Value(e))), "live"];
            }
        }
    }

    public static string Format(object? value) => value switch
    {
        null => "∅",
        DateTimeOffset t => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        decimal d => d.ToString("0.############", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        JsonNode j => Sort(j)!.ToJsonString(),
        string s => s,
        _ => throw new ArgumentException($"unexpected {value.GetType()}", nameof(value)),
    };

    /// <summary>JSON with keys sorted and numbers normalised, so jsonb's key order and number scale do not matter.</summary>
    public static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sort)]),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => JsonValue.Create(decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("0.############", CultureInfo.InvariantCulture)),
        JsonValue v => JsonNode.Parse(v.ToJsonString()),
        _ => null,
    };
}
