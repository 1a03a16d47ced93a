using System.Text.Json.Serialization;

namespace Daedalus.Sources.Monday;

/// <summary>An item as the items queries return it; <c>state</c> is active, archived or deleted.</summary>
public sealed record MondayItem(string Id, string? Name, string? State, DateTimeOffset? UpdatedAt, MondayGroup? Group, IReadOnlyList<MondayColumnValue>? ColumnValues)
{
    /// <summary>Why the item cannot be read as the API sent it (naming no value); such an item goes to quarantine.</summary>
    [JsonIgnore]
    public string? Rejected { get; init; }
}
