namespace Daedalus.Tests.Grafana;

/// <summary>An Infinity column: where in each row the value is (dotted path), the field's name and its type (string, number, timestamp).</summary>
public sealed record InfinityColumn(string Selector, string Text, string Type);
