using Azure.Storage.Queues;
using Daedalus.Queues;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// Replay-all on a real Azurite while a consumer poisons every replayed message again at once (a target that refuses
/// everything, with one delivery allowed): replay-all must replay what was in the poison queue when it started, once,
/// and end, not take its own re-poisoned messages for more work and loop.
/// </summary>
public sealed class PoisonReplayAllBoundTests : IAsyncLifetime
{
    private const int Poisoned = 40;

    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        var queueName = AzuriteServer.UniqueQueueName("rab");
        _core = await CoreServices.StartAsync("replay_bound", new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
            ["Daedalus:Queue:Name"] = queueName,
            ["Daedalus:Queue:PullName"] = queueName + "-pulls",
        });
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task Batch_replay_all_replays_each_message_once_while_they_are_poisoned_again()
    {
        var queue = _core.Get<AzureBatchQueue>();
        await queue.EnsureCreatedAsync(CancellationToken.None);
        await AssertReplayAllEndsAsync(queue.Batches, queue.Poison, ct => queue.ReplayPoisonAsync(null, ct));
    }

    [Fact]
    public async Task Pull_replay_all_replays_each_message_once_while_they_are_poisoned_again()
    {
        var queue = _core.Get<AzurePullQueue>();
        await queue.EnsureCreatedAsync(CancellationToken.None);
        await AssertReplayAllEndsAsync(queue.Pulls, queue.Poison, ct => queue.ReplayPoisonAsync(null, ct));
    }

    private static async Task AssertReplayAllEndsAsync(QueueClient work, QueueClient poison, Func<CancellationToken, Task<int>> replayAll)
    {
        // Not wrapped by Daedalus: replay sends such a body back as it is, and the consumer poisons it as it is.
        for (var i = 0; i < Poisoned; i++)
        {
            await poison.SendMessageAsync(Convert.ToBase64String(BitConverter.GetBytes(i)));
        }

        using var stop = new CancellationTokenSource();
        var consumer = RepoisonEverythingAsync(work, poison, stop.Token);
        try
        {
            // Before the bound, replay-all went on replaying re-poisoned messages until cancelled.
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var replayed = await replayAll(patience.Token);
            Assert.Equal(Poisoned, replayed);
        }
        finally
        {
            await stop.CancelAsync();
            await consumer;
        }
    }

    /// <summary>A consumer whose every delivery fails at once and goes straight back to the poison queue.</summary>
    private static async Task RepoisonEverythingAsync(QueueClient work, QueueClient poison, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var received = (await work.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken)).Value;
                foreach (var message in received)
                {
                    await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                    await work.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
