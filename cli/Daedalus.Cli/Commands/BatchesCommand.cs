using System.CommandLine;
using System.Text.Json;
using Daedalus.Queues;
using Daedalus.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus batches poison|replay</c>: inspect and replay batches that failed too often.</summary>
public static class BatchesCommand
{
    public static Command Create()
    {
        var max = new Option<int>("--max") { Description = "How many to list (the queue service peeks at most 32)", DefaultValueFactory = _ => 32 };
        var poison = new Command("poison", "List messages in the poison queue with their errors") { max };
        poison.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken, migrate: false);
            var messages = await provider.GetRequiredService<IBatchQueue>().ListPoisonAsync(parse.GetValue(max), cancellationToken);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(messages, SourceCatalog.Json));
                return ExitCodes.Ok;
            }

            if (messages.Count == 0)
            {
                Console.WriteLine("The poison queue is empty.");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("message", "batch", "source/stream", "deliveries", "error");
            foreach (var m in messages)
            {
                table.AddRow(Markup.Escape(m.MessageId), Markup.Escape(m.BatchId ?? "?"), Markup.Escape($"{m.Source ?? "?"}/{m.Stream ?? "?"}"), m.DequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(m.Error));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        });

        var id = new Argument<string?>("message-id") { Description = "Replay only this message (default: all)", Arity = ArgumentArity.ZeroOrOne };
        var replay = new Command("replay", "Move poison messages back onto the batch queue (after fixing the cause)") { id };
        replay.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken, migrate: false);
            var messageId = parse.GetValue(id);
            var count = await provider.GetRequiredService<IBatchQueue>().ReplayPoisonAsync(messageId, cancellationToken);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { replayed = count }));
            }
            else
            {
                Console.WriteLine($"Replayed {count} message(s).");
            }

            return messageId is not null && count == 0 ? ExitCodes.NotFound : ExitCodes.Ok;
        });

        return new Command("batches", "Batches on the queue: poison list and replay") { poison, replay };
    }
}
