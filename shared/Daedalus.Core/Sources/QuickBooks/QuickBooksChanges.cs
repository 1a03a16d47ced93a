using System.Text.Json;

namespace Daedalus.Sources.QuickBooks;

/// <summary>One CDC answer for one entity: the changed objects (deleted ones carry <c>status: "Deleted"</c>) and the server's time.</summary>
public sealed record QuickBooksChanges(IReadOnlyList<JsonElement> Objects, DateTimeOffset? Time);
