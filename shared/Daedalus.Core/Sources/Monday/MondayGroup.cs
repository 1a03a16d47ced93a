namespace Daedalus.Sources.Monday;

public sealed record MondayGroup(string Id);
