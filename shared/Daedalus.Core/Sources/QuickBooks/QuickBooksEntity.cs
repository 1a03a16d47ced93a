using System.Text.Json;

namespace Daedalus.Sources.QuickBooks;

/// <summary>
/// One QuickBooks entity as a stream: its name in queries and CDC, and its columns. Every stream has
/// <c>id</c>, <c>sync_token</c>, the typed fields, <c>created_time</c>, <c>last_updated_time</c> (the cursor)
/// and <c>raw</c> (the whole entity, so nothing the columns leave out is lost).
/// </summary>
public sealed class QuickBooksEntity
{
    public const string IdColumn = "id";
    public const string CursorColumn = "last_updated_time";

    private static readonly QuickBooksColumn[] Leading =
    [
        new(IdColumn, ColumnType.Text, "Id"),
        new("sync_token", ColumnType.Text, "SyncToken"),
    ];

    private static readonly QuickBooksColumn[] Trailing =
    [
        new("created_time", ColumnType.Timestamp, "MetaData", "CreateTime"),
        new(CursorColumn, ColumnType.Timestamp, "MetaData", "LastUpdatedTime"),
    ];

    public static readonly IReadOnlyDictionary<string, QuickBooksEntity> ByStream = new[]
    {
        new QuickBooksEntity(
            "customer",
            "Customer",
            new("display_name", ColumnType.Text, "DisplayName"),
            new("given_name", ColumnType.Text, "GivenName"),
            new("family_name", ColumnType.Text, "FamilyName"),
            new("company_name", ColumnType.Text, "CompanyName"),
            new("primary_email", ColumnType.Text, "PrimaryEmailAddr", "Address"),
            new("balance", ColumnType.Decimal, "Balance"),
            new("active", ColumnType.Boolean, "Active")),
        new QuickBooksEntity(
            "invoice",
            "Invoice",
            new("doc_number", ColumnType.Text, "DocNumber"),
            new("txn_date", ColumnType.Date, "TxnDate"),
            new("due_date", ColumnType.Date, "DueDate"),
            new("total_amt", ColumnType.Decimal, "TotalAmt"),
            new("balance", ColumnType.Decimal, "Balance"),
            new("customer_ref_value", ColumnType.Text, "CustomerRef", "value"),
            new("customer_ref_name", ColumnType.Text, "CustomerRef", "name")),
        new QuickBooksEntity(
            "payment",
            "Payment",
            new("txn_date", ColumnType.Date, "TxnDate"),
            new("total_amt", ColumnType.Decimal, "TotalAmt"),
            new("unapplied_amt", ColumnType.Decimal, "UnappliedAmt"),
            new("customer_ref_value", ColumnType.Text, "CustomerRef", "value"),
            new("customer_ref_name", ColumnType.Text, "CustomerRef", "name")),
        new QuickBooksEntity(
            "bill",
            "Bill",
            new("doc_number", ColumnType.Text, "DocNumber"),
            new("txn_date", ColumnType.Date, "TxnDate"),
            new("due_date", ColumnType.Date, "DueDate"),
            new("total_amt", ColumnType.Decimal, "TotalAmt"),
            new("balance", ColumnType.Decimal, "Balance"),
            new("vendor_ref_value", ColumnType.Text, "VendorRef", "value"),
            new("vendor_ref_name", ColumnType.Text, "VendorRef", "name")),
        new QuickBooksEntity(
            "account",
            "Account",
            new("name", ColumnType.Text, "Name"),
            new("account_type", ColumnType.Text, "AccountType"),
            new("account_sub_type", ColumnType.Text, "AccountSubType"),
            new("classification", ColumnType.Text, "Classification"),
            new("current_balance", ColumnType.Decimal, "CurrentBalance"),
            new("active", ColumnType.Boolean, "Active")),
        new QuickBooksEntity(
            "item",
            "Item",
            new("name", ColumnType.Text, "Name"),
            new("type", ColumnType.Text, "Type"),
            new("unit_price", ColumnType.Decimal, "UnitPrice"),
            new("qty_on_hand", ColumnType.Decimal, "QtyOnHand"),
            new("active", ColumnType.Boolean, "Active")),
    }.ToDictionary(e => e.Stream, StringComparer.OrdinalIgnoreCase);

    private readonly QuickBooksColumn[] _columns;

    private QuickBooksEntity(string stream, string name, params QuickBooksColumn[] fields)
    {
        Stream = stream;
        Name = name;
        _columns = [.. Leading, .. fields, .. Trailing];
        Columns = [.. _columns.Select(c => new ColumnSchema(c.Name, c.Type)), new ColumnSchema("raw", ColumnType.Json)];
        CursorIndex = Array.FindIndex(_columns, c => c.Name == CursorColumn);
    }

    /// <summary>The stream name config uses (lower case).</summary>
    public string Stream { get; }

    /// <summary>The entity name QuickBooks uses in queries, CDC and response keys.</summary>
    public string Name { get; }

    public IReadOnlyList<ColumnSchema> Columns { get; }

    private int CursorIndex { get; }

    public StreamSchema Schema(string streamName) => new(streamName, Columns, [IdColumn], CursorColumn);

    public SourceRecord ToRecord(JsonElement entity)
    {
        var values = new object?[_columns.Length + 1];
        string? rejected = null;
        for (var i = 0; i < _columns.Length; i++)
        {
            try
            {
                values[i] = _columns[i].Read(entity);
            }
            catch (SourceException ex)
            {
                // One bad field quarantines its entity, not the stream.
                rejected ??= $"QuickBooks {Name}: {ex.Message}";
            }
        }

        values[^1] = entity.GetRawText();
        return new SourceRecord(values, Rejected: values[0] is null ? rejected ?? $"QuickBooks returned a {Name} without an Id" : rejected);
    }

    /// <summary>A CDC entry with <c>status: "Deleted"</c>: only the id and when it was deleted are known.</summary>
    public SourceRecord ToDeletedRecord(JsonElement entity, DateTimeOffset fallbackTime)
    {
        var values = new object?[_columns.Length + 1];
        try
        {
            values[0] = _columns[0].Read(entity) ?? throw new SourceException($"QuickBooks CDC returned a deleted {Name} without an Id");
            values[CursorIndex] = _columns[CursorIndex].Read(entity) ?? fallbackTime.ToUniversalTime();
            return new SourceRecord(values, IsDeleted: true);
        }
        catch (SourceException ex)
        {
            // Like ToRecord: one unreadable entry quarantines itself, not the CDC page.
            return new SourceRecord(values, IsDeleted: true, Rejected: $"QuickBooks {Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// The entity's <c>MetaData.LastUpdatedTime</c> for the watermark, or null when it is missing or unreadable: such an
    /// entity is quarantined by <see cref="ToRecord"/> and must not fail the pull here, outside its catch.
    /// </summary>
    public static DateTimeOffset? LastUpdated(JsonElement entity) =>
        entity.ValueKind == JsonValueKind.Object
        && entity.TryGetProperty("MetaData", out var meta) && meta.ValueKind == JsonValueKind.Object
        && meta.TryGetProperty("LastUpdatedTime", out var text) && text.ValueKind == JsonValueKind.String
        && JsonText.TryGetString(text, out var value) && QuickBooksDateTime.TryParseTimestamp(value, out var time)
            ? time
            : null;

    private static string IdOf(JsonElement entity) =>
        entity.ValueKind == JsonValueKind.Object && entity.TryGetProperty("Id", out var id) ? id.ToString() : "(no Id)";
}
