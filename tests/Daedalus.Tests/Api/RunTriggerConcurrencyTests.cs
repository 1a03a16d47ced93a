using System.Net;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>
/// Simultaneous "pull now" requests for one source: exactly one run is created and answered 202, every other request
/// answers 409, whether the host pulls in-process or through the pull queue (the check and the insert used to be two
/// steps, and 2-3 of 16 simultaneous requests each created a run).
/// </summary>
public sealed class RunTriggerConcurrencyTests
{
    private const int Requests = 16;

    [Fact]
    public async Task In_process_pulls_start_one_run_and_answer_409_to_the_others()
    {
        await using var server = await ApiServer.StartAsync("api_trigger_race");
        await AssertOneRunPerRoundAsync(server, "runs");
    }

    [Fact]
    public async Task Queued_pulls_queue_one_run_and_answer_409_to_the_others()
    {
        await using var server = await ApiServer.StartAsync("api_trigger_race_q", new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
            ["Daedalus:Queue:Name"] = AzuriteServer.UniqueQueueName("racebatches"),
            ["Daedalus:Queue:PullName"] = AzuriteServer.UniqueQueueName("racepulls"),
        });
        await AssertOneRunPerRoundAsync(server, "queued");
    }

    private static async Task AssertOneRunPerRoundAsync(ApiServer server, string prefix)
    {
        using var http = server.Http(server.WriteKey);
        var client = new DaedalusClient(http);
        var problems = new List<string>();
        for (var round = 0; round < 5; round++)
        {
            var source = $"{prefix}{round}";
            // Enough rows that an in-process pull is still running when the last request arrives.
            await client.ReplaceSourceAsync(source, SourceSpecMapper.ToSpec(SampleSourceDefinition.Create(source, 200_000, source)) with { Name = null, Enabled = false });
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var posts = Enumerable.Range(0, Requests).Select(_ => Task.Run(async () =>
            {
                await gate.Task;
                using var response = await http.PostAsync($"/api/v1/sources/{source}/runs", null);
                return response.StatusCode;
            })).ToList();
            gate.SetResult();
            var statuses = await Task.WhenAll(posts);
            var accepted = statuses.Count(s => s == HttpStatusCode.Accepted);
            var conflicts = statuses.Count(s => s == HttpStatusCode.Conflict);
            var runs = await server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.runs WHERE source = '{source}'");
            if (accepted != 1 || conflicts != Requests - 1 || runs != 1)
            {
                problems.Add($"{source}: {accepted} answered 202, {conflicts} answered 409 ({string.Join(", ", statuses.Distinct())}); {runs} runs recorded");
            }

            foreach (var run in await client.ListRunsAsync(source, 50))
            {
                using var cancel = await http.PostAsync($"/api/v1/sources/{source}/runs/{run.Id}/cancel", null);
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
