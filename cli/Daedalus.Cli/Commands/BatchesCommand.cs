using System.CommandLine;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus batches poison|replay</c>: the poison queue, through the API.</summary>
public static class BatchesCommand
{
    public static Command Create()
    {
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many messages (1-32)", DefaultValueFactory = _ => 32 };
        var poison = new Command("poison", "List batches that failed too often") { limit };
        poison.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var list = await session.Api.ListPoisonWithTotalAsync(parse.GetValue(limit), cancellationToken);
            var messages = list.Items;
            if (json)
            {
                // As the API answers: the items and the total.
                ApiCommand.WriteJson(list);
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("message", "batch", "source", "stream", "dequeues", "inserted", "error");
            foreach (var m in messages)
            {
                table.AddRow(ConsoleCell.Row(
                    m.MessageId, m.BatchId ?? "-", m.Source ?? "-", m.Stream ?? "-",
                    m.DequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    m.InsertedAt?.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    m.Error));
            }

            AnsiConsole.Write(table);
            if (list.Total is { } total)
            {
                // The queue shows only its first 32 messages: the total says how many wait (approximate, from storage, so
                // never printed below what is shown).
                Console.WriteLine(messages.Count < total
                    ? $"showing {messages.Count} of {total} poison message(s); replay them to bring the next ones forward"
                    : $"showing {messages.Count} of {messages.Count} poison message(s)");
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        var messageId = new Argument<string?>("message") { Description = "Message id to replay (see batches poison)", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Replay every poison message" };
        var replay = new Command("replay", "Move poison batches back to the batch queue") { messageId, all };
        replay.Validators.Add(result =>
        {
            if ((result.GetValue(messageId) is null) == !result.GetValue(all))
            {
                result.AddError("name one message id, or pass --all");
            }
        });
        replay.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var result = await session.Api.ReplayPoisonAsync(parse.GetValue(messageId), cancellationToken);
            if (json)
            {
                ApiCommand.WriteJson(result);
            }
            else
            {
                Console.WriteLine($"replayed {result.Replayed} batch(es)");
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        return new Command("batches", "Batches in the queue") { poison, replay };
    }
}
