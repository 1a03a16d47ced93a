using System.Text.Json;

namespace Daedalus.Sources.QuickBooks;

/// <summary>
/// One answer from the query or CDC endpoint for one entity: the objects (in CDC, deleted ones carry
/// <c>status: "Deleted"</c>) and the server's own clock at the time of the answer (the root <c>time</c>, UTC),
/// null when QuickBooks sent none.
/// </summary>
public sealed record QuickBooksAnswer(IReadOnlyList<JsonElement> Objects, DateTimeOffset? Time);
