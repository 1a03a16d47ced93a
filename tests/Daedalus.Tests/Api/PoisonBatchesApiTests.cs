using System.Collections.Concurrent;
using System.Net;
using Daedalus.Batching;
using Daedalus.Client;
using Daedalus.Queues;
using Daedalus.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Api;

/// <summary>
/// Poison routes. The Azurite-backed queue lives on the hosting branch; until it is merged, these run against a
/// small in-memory <see cref="IBatchQueue"/> (pure queue bookkeeping) while everything else is real.
/// </summary>
public sealed class PoisonBatchesApiTests : IAsyncLifetime
{
    private readonly MemoryBatchQueue _queue = new();
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_poison", services: s => s.AddSingleton<IBatchQueue>(_queue));
        _queue.Poison["m1"] = new PoisonMessage("m1", "b1", "shop", "customers", "boom", DateTimeOffset.UtcNow, 5);
        _queue.Poison["m2"] = new PoisonMessage("m2", "b2", "shop", "invoices", "bang", DateTimeOffset.UtcNow, 5);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Lists_replays_one_then_all_and_audits_each_replay()
    {
        var client = _server.Client(_server.WriteKey);
        Assert.Equal(["m1", "m2"], (await client.ListPoisonAsync()).Select(m => m.MessageId).Order());

        Assert.Equal(1, (await client.ReplayPoisonAsync("m1")).Replayed);
        Assert.Equal(["m2"], (await client.ListPoisonAsync()).Select(m => m.MessageId));
        var missing = await Assert.ThrowsAsync<DaedalusApiException>(() => client.ReplayPoisonAsync("m1"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        Assert.Equal(1, (await client.ReplayPoisonAsync()).Replayed);
        Assert.Empty(await client.ListPoisonAsync());
        Assert.Equal(["m1", "m2"], _queue.Replayed.Order());
        Assert.Equal(2L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action = 'poison.replay'"));

        var status = await client.GetStatusAsync();
        Assert.Equal("healthy", status.Checks.Single(c => c.Name == "queue").Status);
    }

    [Fact]
    public async Task A_host_without_a_queue_answers_503_problem_json()
    {
        await using var plain = await ApiServer.StartAsync("api_noqueue");
        var ex = await Assert.ThrowsAsync<DaedalusApiException>(() => plain.Client(plain.ReadKey).ListPoisonAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.NotNull(ex.Problem.Detail);
    }

    private sealed class MemoryBatchQueue : IBatchQueue
    {
        public ConcurrentDictionary<string, PoisonMessage> Poison { get; } = new();

        public ConcurrentBag<string> Replayed { get; } = [];

        public Task EnqueueAsync(Batch batch, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<PoisonMessage>> ListPoisonAsync(int max, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PoisonMessage>>(Poison.Values.OrderBy(m => m.MessageId).Take(max).ToList());

        public Task<int> ReplayPoisonAsync(string? messageId, CancellationToken cancellationToken)
        {
            var ids = messageId is null ? Poison.Keys.ToList() : [messageId];
            var count = 0;
            foreach (var id in ids.Where(id => Poison.TryRemove(id, out _)))
            {
                Replayed.Add(id);
                count++;
            }

            return Task.FromResult(count);
        }

        public Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken) => Task.FromResult(new QueueDepth(0, Poison.Count));
    }
}
