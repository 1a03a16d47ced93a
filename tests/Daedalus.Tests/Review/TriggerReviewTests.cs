using System.Net;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Review;

/// <summary>Hostile review of concurrent "pull now".</summary>
public sealed class TriggerReviewTests
{
    [Fact]
    public async Task Sixteen_simultaneous_pulls_across_two_hosts_on_one_database_start_one_run()
    {
        await using var a = await ApiServer.StartAsync("rev_trigger");
        await using var b = await ApiServer.StartAsync("rev_trigger_b", connectionString: a.ConnectionString);
        using var httpA = a.Http(a.WriteKey);
        using var httpB = b.Http(a.WriteKey);
        var client = new DaedalusClient(httpA);
        var problems = new List<string>();
        for (var round = 0; round < 4; round++)
        {
            var source = $"two{round}";
            await client.ReplaceSourceAsync(source, SourceSpecMapper.ToSpec(SampleSourceDefinition.Create(source, 200_000, source)) with { Name = null, Enabled = false });
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var posts = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                await gate.Task;
                using var response = await (i % 2 == 0 ? httpA : httpB).PostAsync($"/api/v1/sources/{source}/runs", null);
                return response.StatusCode;
            })).ToList();
            gate.SetResult();
            var statuses = await Task.WhenAll(posts);
            var accepted = statuses.Count(s => s == HttpStatusCode.Accepted);
            var runs = await a.ScalarAsync<long>($"SELECT count(*) FROM daedalus.runs WHERE source = '{source}'");
            if (accepted != 1 || runs != 1 || statuses.Any(s => s is not (HttpStatusCode.Accepted or HttpStatusCode.Conflict)))
            {
                problems.Add($"{source}: {accepted} x 202, statuses {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key}x{g.Count()}"))}; {runs} runs");
            }

            foreach (var run in await client.ListRunsAsync(source, 50))
            {
                using var cancel = await httpA.PostAsync($"/api/v1/sources/{source}/runs/{run.Id}/cancel", null);
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task A_pull_now_right_after_a_finished_pull_is_accepted_not_a_stale_409()
    {
        await using var server = await ApiServer.StartAsync("rev_trigger_again");
        using var http = server.Http(server.WriteKey);
        var client = new DaedalusClient(http);
        await client.ReplaceSourceAsync("tiny", SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("tiny", 5, "tiny")) with { Name = null, Enabled = false });
        using (var first = await http.PostAsync("/api/v1/sources/tiny/runs", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await server.ScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE source = 'tiny' AND status IN ('queued', 'running', 'loading')") > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        using var second = await http.PostAsync("/api/v1/sources/tiny/runs", null);
        Assert.True(second.StatusCode == HttpStatusCode.Accepted, $"{(int)second.StatusCode}: {await second.Content.ReadAsStringAsync()}");
    }
}
