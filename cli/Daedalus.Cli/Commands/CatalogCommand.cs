using System.CommandLine;
using Daedalus.Client;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus catalog list|show</c>: the target tables Daedalus loads, their columns, row counts and freshness.</summary>
public static class CatalogCommand
{
    public static Command Create()
    {
        var list = new Command("list", "Every target table: source/stream, row count (~ when estimated), last load, freshness");
        list.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var tables = await session.Api.ListCatalogAsync(cancellationToken);
            if (json)
            {
                ApiCommand.WriteItems(tables);
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("table", "source", "stream", "rows", "last load", "freshness", "protected");
            table.Columns[3].RightAligned();
            foreach (var t in tables)
            {
                table.AddRow(ConsoleCell.Row(
                    $"{t.Schema}.{t.Table}",
                    t.Source,
                    t.Stream,
                    Rows(t),
                    t.LastLoadAt?.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    t.Freshness,
                    string.Join(", ", t.ProtectedColumns)));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }, cancellationToken));

        var name = new Argument<string>("table") { Description = "schema.table" };
        var show = new Command("show", "One target table with its columns and PostgreSQL types") { name };
        show.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var text = parse.GetValue(name)!;
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || dot == text.Length - 1)
            {
                throw new ArgumentException($"'{text}' is not schema.table");
            }

            var t = await session.Api.GetCatalogTableAsync(text[..dot], text[(dot + 1)..], cancellationToken);
            if (json)
            {
                ApiCommand.WriteJson(t);
                return ExitCodes.Ok;
            }

            Console.WriteLine($"{t.Schema}.{t.Table}: {t.Source}/{t.Stream}, {Rows(t)} rows, last load {t.LastLoadAt?.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "never"}, {t.Freshness}{(t.Exists ? "" : " (not created yet)")}");
            var columns = new Table().Border(TableBorder.Rounded).AddColumns("column", "type", "null", "key", "protection");
            foreach (var c in t.Columns)
            {
                columns.AddRow(ConsoleCell.Row(c.Name, c.Type, c.Nullable ? "yes" : "no", c.PrimaryKey ? "pk" : c.Bookkeeping ? "daedalus" : "", c.Protection));
            }

            AnsiConsole.Write(columns);
            return ExitCodes.Ok;
        }, cancellationToken));

        return new Command("catalog", "Target tables Daedalus loads (read-only)") { list, show };
    }

    private static string Rows(CatalogTable t) => t.RowCount is { } n ? (t.RowCountEstimated ? $"~{n:N0}" : $"{n:N0}") : "-";
}
