namespace Daedalus.Client;

/// <summary>A discovered column: its name and type (text, integer, decimal, boolean, timestamp, date, json…, lower case).</summary>
public sealed record DiscoveredColumn(string Name, string Type);
