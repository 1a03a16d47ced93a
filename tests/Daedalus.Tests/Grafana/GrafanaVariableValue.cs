namespace Daedalus.Tests.Grafana;

/// <summary>A template variable's current values; multi-value and "All" variables interpolate as quoted lists in SQL.</summary>
public sealed record GrafanaVariableValue(IReadOnlyList<string> Values, bool Quoted);
