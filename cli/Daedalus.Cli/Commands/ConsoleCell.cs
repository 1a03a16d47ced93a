using Daedalus.Runs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Daedalus.Cli.Commands;

/// <summary>
/// Table cells and lines for user and remote text (names, triggers, errors). They are rendered as plain text, never
/// parsed as console markup: <see cref="Markup.Escape"/> only doubles brackets, while markup also turns
/// <c>:key:</c> in a trigger such as <c>api:key:39dc…</c> into an emoji.
/// </summary>
public static class ConsoleCell
{
    public static IRenderable Plain(string? value) => new Text(value ?? "");

    /// <summary>A table row of plain cells.</summary>
    public static IRenderable[] Row(params string?[] values) => [.. values.Select(Plain)];

    public static IRenderable Coloured(string? value, Color colour) => new Text(value ?? "", new Style(colour));

    /// <summary>A run status by its name, coloured as <see cref="Status(string)"/>.</summary>
    public static IRenderable Status(RunStatus status) => Status(status.Name());

    /// <summary>A run or check status in its colour: green when good, yellow when it needs a look, red otherwise.</summary>
    public static IRenderable Status(string status) => status switch
    {
        "succeeded" or "healthy" or "fresh" or "ok" => Coloured(status, Color.Green),
        "partial" or "cancelled" or "queued" or "running" or "loading" or "skipped" or "degraded" or "stale" or "never" or "absent" or "disabled" => Coloured(status, Color.Yellow),
        _ => Coloured(status, Color.Red),
    };
}
