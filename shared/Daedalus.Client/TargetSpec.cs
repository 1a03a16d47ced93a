namespace Daedalus.Client;

/// <summary>Target table of a stream; schema defaults to <c>public</c>, table to the stream name.</summary>
public sealed record TargetSpec
{
    public string? Schema { get; init; }

    public string? Table { get; init; }
}
